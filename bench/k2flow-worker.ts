// The k2flow worker, as `npm run worker` assembles it (worker/create-worker.ts, real activities over
// PostgreSQL and SMTP), in its own process so its CPU, memory and statements are its own.
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createWorker } from '../worker/create-worker';
import { buildActivityDeps } from '../worker/dependencies';
import { requiredEnv } from './env';
import { serveWorker } from './ipc';

Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });
const deps = buildActivityDeps({
  databaseUrl: requiredEnv('BENCH_DATABASE_URL'),
  smtpUrl: requiredEnv('BENCH_SMTP_URL'),
  MAIL_FROM: 'k2flow bench <bench@k2flow.local>',
  PUBLIC_URL: requiredEnv('BENCH_PUBLIC_URL'),
  secret: requiredEnv('BENCH_SECRET'),
});
const connection = await NativeConnection.connect({ address: requiredEnv('BENCH_TEMPORAL_ADDRESS') });
const worker = await createWorker({
  connection,
  namespace: 'default',
  taskQueue: requiredEnv('BENCH_TASK_QUEUE'),
  deps,
  workflowBundle: { codePath: requiredEnv('BENCH_BUNDLE_PATH') },
});
serveWorker(worker, async () => {
  await connection.close();
  await deps.close();
});
