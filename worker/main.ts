// `npm run worker`: a standalone worker against TEMPORAL_ADDRESS, DATABASE_URL and SMTP_URL, running
// the workflow bundle that `npm run build:workflows` wrote (it refuses to start without a fresh one).
import { NativeConnection } from '@temporalio/worker';
import { loadConfig, workerConfig } from '../config/app-config';
import { createLogger } from '../observability/logger';
import { createReadinessCheck, databaseProbe, smtpProbe, temporalProbe } from '../observability/readiness';
import { createWorker, tuningFrom, versioningFrom } from './create-worker';
import { startWorkerHealthServer } from './health-server';
import { installWorkerRuntime } from './runtime';
import { connectOrExit, describeTarget, nativeConnectionOptions, temporalTargetOrExit } from '../client/services/temporal-target';
import { buildActivityDeps } from './dependencies';
import { prebuiltWorkflowBundle } from './workflow-bundle';
import { installTracingOrExit, shutdownTracing } from '../observability/tracing';

const config = loadConfig(process.env, workerConfig);
const target = temporalTargetOrExit();
const missing = [...(target ? [] : ['TEMPORAL_ADDRESS (or a profile in TEMPORAL_CONFIG_FILE)']), ...(['DATABASE_URL', 'SMTP_URL', 'K2FLOW_AUTH_SECRET'] as const).filter((k) => !config[k])];
if (!target || missing.length) {
  console.error(`A standalone worker needs ${missing.join(', ')}. (npm start runs everything with embedded defaults.)`);
  process.exit(2);
}
const bundle = await prebuiltWorkflowBundle().catch((error: Error) => {
  console.error(error.message);
  process.exit(2);
});
const logger = createLogger({ name: 'k2flow-worker', level: config.K2FLOW_LOG_LEVEL, format: config.K2FLOW_LOG_FORMAT });
const deps = buildActivityDeps({ ...config, databaseUrl: config.DATABASE_URL!, smtpUrl: config.SMTP_URL!, secret: config.K2FLOW_AUTH_SECRET! });
installTracingOrExit('k2flow-worker');
installWorkerRuntime({ logger, metricsAddress: config.K2FLOW_WORKER_METRICS_ADDRESS });
const connection = await connectOrExit(target, () => NativeConnection.connect(nativeConnectionOptions(target)));
const versioning = versioningFrom(config, bundle.inputsHash);
const worker = await createWorker({
  connection,
  namespace: target.namespace,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  deps,
  workflowBundle: { codePath: bundle.codePath },
  tuning: tuningFrom(config),
  logger,
  shutdownGraceSeconds: config.K2FLOW_SHUTDOWN_TIMEOUT_SECONDS,
  versioning,
}).catch((error: Error) => {
  logger.fatal({ err: error }, `the worker could not start: ${error.message}`);
  process.exit(1);
});
const health = config.K2FLOW_WORKER_HEALTH_ADDRESS
  ? await startWorkerHealthServer({
      address: config.K2FLOW_WORKER_HEALTH_ADDRESS,
      state: () => worker.temporal.getState(),
      readiness: createReadinessCheck({ probes: { database: databaseProbe(deps.db), temporal: temporalProbe(connection), smtp: smtpProbe(deps.mailer) }, required: ['database', 'temporal'] }),
    })
  : null;
logger.info(
  { taskQueue: config.TEMPORAL_TASK_QUEUE, temporal: describeTarget(target), workflowBundle: bundle.inputsHash.slice(0, 12), ...(versioning ? { deployment: versioning.deploymentName, buildId: versioning.buildId } : {}), ...(health ? { health: health.url } : {}) },
  `k2flow worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${describeTarget(target)}`,
);
// SIGINT/SIGTERM: the SDK stops polling, lets running activities finish (K2FLOW_SHUTDOWN_TIMEOUT_SECONDS), and run() resolves.
await worker.run();
await health?.close();
await connection.close();
await deps.close();
await shutdownTracing();
logger.info('k2flow worker stopped');
