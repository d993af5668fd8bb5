import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

/**
 * Installs the Temporal SDK's runtime for a worker process, once, before its first connection:
 * its logger and, with `metricsAddress` (K2FLOW_WORKER_METRICS_ADDRESS), the SDK's own Prometheus
 * exporter, serving the worker's metrics (task slots, latencies, polls, activity and workflow
 * outcomes) on http://<address>/metrics. Bind it to a private interface: it has no authentication.
 */
export function installWorkerRuntime({ metricsAddress, logLevel, ownSignals }: { metricsAddress?: string; logLevel?: LogLevel; ownSignals?: boolean }): void {
  Runtime.install({
    ...(ownSignals ? { shutdownSignals: [] } : {}),
    ...(logLevel ? { logger: new DefaultLogger(logLevel) } : {}),
    ...(metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } } } : {}),
  });
}
