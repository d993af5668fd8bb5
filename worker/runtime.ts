import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Logger } from '../observability/logger';

const SEVERITY: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** The SDK's level matching a pino level (K2FLOW_LOG_LEVEL): its lines are filtered as the process's. */
export function sdkLevelOf(level: string): LogLevel {
  const levels: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' };
  return levels[level] ?? 'ERROR';
}

/**
 * The Temporal SDK's logger, writing through the process's pino logger: the worker's own lines,
 * workflows' and activities' (with their workflow id, run id, type and task queue, which the SDK
 * adds) and, forwarded, the SDK core's. Each line also names its application: a unit branch's
 * workflow id starts with its application's id (workflows/ids.ts).
 */
export function sdkLoggerOf(logger: Logger, minimum: LogLevel = sdkLevelOf(logger.level)): SdkLogger {
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}) => {
    if (SEVERITY[level] < SEVERITY[minimum]) return;
    const { error, ...rest } = meta as LogMetadata & { error?: unknown };
    const workflowId = typeof rest.workflowId === 'string' ? rest.workflowId : undefined;
    logger[PINO_LEVEL[level]]({ ...rest, ...(workflowId ? { applicationId: workflowId.split(':')[0] } : {}), ...(error !== undefined ? { err: error } : {}) }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/**
 * Installs the Temporal SDK's runtime for a worker process, once, before its first connection:
 * its logger (the process's pino logger; the SDK core's own warnings forwarded to it) and, with
 * `metricsAddress` (K2FLOW_WORKER_METRICS_ADDRESS), the SDK's own Prometheus exporter, serving
 * the worker's metrics (task slots, latencies, polls, activity and workflow outcomes) on
 * http://<address>/metrics. Bind it to a private interface: it has no authentication.
 */
export function installWorkerRuntime({ logger, minimum, metricsAddress, ownSignals }: { logger: Logger; minimum?: LogLevel; metricsAddress?: string; ownSignals?: boolean }): void {
  Runtime.install({
    ...(ownSignals ? { shutdownSignals: [] } : {}),
    logger: sdkLoggerOf(logger, minimum),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: SEVERITY[minimum ?? sdkLevelOf(logger.level)] > SEVERITY.WARN ? 'ERROR' : 'WARN', other: 'ERROR' }), forward: {} },
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } } : {}),
    },
  });
}
