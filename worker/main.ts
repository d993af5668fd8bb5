// `npm run worker`: a standalone worker against TEMPORAL_ADDRESS, DATABASE_URL and SMTP_URL, running
// the workflow bundle that `npm run build:workflows` wrote (it refuses to start without a fresh one).
import { NativeConnection } from '@temporalio/worker';
import { loadConfigOrExit, workerConfig } from '../config/app-config';
import { createLogger } from '../observability/logger';
import { k2flowReadiness } from '../observability/readiness';
import { createWorker, tuningFrom, versioningFrom } from './create-worker';
import { startWorkerHealthServer } from './health-server';
import { installWorkerRuntime } from './runtime';
import { connectOrExit, describeTarget, nativeConnectionOptions, temporalTargetOrExit } from '../client/services/temporal-target';
import { buildActivityDeps } from './dependencies';
import { prebuiltWorkflowBundle } from './workflow-bundle';
import { installTracingOrExit, shutdownTracing } from '../observability/tracing';

const config = loadConfigOrExit(workerConfig);
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
installTracingOrExit('k2flow-worker', logger);
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
      readiness: k2flowReadiness({ db: deps.db, temporal: connection, smtp: deps.mailer }),
    }).catch((error: Error) => {
      logger.fatal(`could not start: the health endpoints cannot listen on ${config.K2FLOW_WORKER_HEALTH_ADDRESS}: ${error.message}`);
      process.exit(1);
    })
  : null;
logger.info(
  { taskQueue: config.TEMPORAL_TASK_QUEUE, temporal: describeTarget(target), workflowBundle: bundle.inputsHash.slice(0, 12), ...(versioning ? { deployment: versioning.deploymentName, buildId: versioning.buildId } : {}), ...(health ? { health: health.url } : {}) },
  `k2flow worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${describeTarget(target)}`,
);
// SIGINT/SIGTERM: the SDK stops polling and lets running activities finish within
// K2FLOW_SHUTDOWN_TIMEOUT_SECONDS; those still running then are cancelled, and after 10 s more
// run() gives up on them (they are retried by another worker when their timeout passes).
try {
  await worker.run();
} catch (error) {
  // What it abandoned still holds database connections and the Temporal connection: closing them
  // would wait on it, so the process ends here.
  logger.error({ err: error }, 'the worker did not stop in time: activities still running were abandoned, to be retried elsewhere');
  logger.info('k2flow worker stopped');
  logger.flush();
  process.exit(1);
}
await health?.close();
await connection.close();
await deps.close();
await shutdownTracing();
logger.info('k2flow worker stopped');
