// `npm run worker`: a standalone worker against TEMPORAL_ADDRESS, DATABASE_URL and SMTP_URL, running
// the workflow bundle that `npm run build:workflows` wrote (it refuses to start without a fresh one).
import { NativeConnection } from '@temporalio/worker';
import { loadConfig, workerConfig } from '../config/app-config';
import { createWorker, tuningFrom } from './create-worker';
import { installWorkerRuntime } from './runtime';
import { connectOrExit, describeTarget, nativeConnectionOptions, temporalTargetOrExit } from '../client/services/temporal-target';
import { buildActivityDeps } from './dependencies';
import { prebuiltWorkflowBundle } from './workflow-bundle';

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
const deps = buildActivityDeps({ ...config, databaseUrl: config.DATABASE_URL!, smtpUrl: config.SMTP_URL!, secret: config.K2FLOW_AUTH_SECRET! });
installWorkerRuntime({ metricsAddress: config.K2FLOW_WORKER_METRICS_ADDRESS });
const connection = await connectOrExit(target, () => NativeConnection.connect(nativeConnectionOptions(target)));
const worker = await createWorker({ connection, namespace: target.namespace, taskQueue: config.TEMPORAL_TASK_QUEUE, deps, workflowBundle: { codePath: bundle.codePath }, tuning: tuningFrom(config) }).catch((error: Error) => {
  console.error(`[k2flow] the worker could not start: ${error.message}`);
  process.exit(1);
});
console.log(`k2flow worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${describeTarget(target)} (workflow bundle ${bundle.inputsHash.slice(0, 12)})`);
await worker.run(); // resolves after SIGINT/SIGTERM, which the SDK handles by shutting down
await connection.close();
await deps.close();
