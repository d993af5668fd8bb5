// The bare baseline's worker, in its own process so its CPU and memory are its own.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { serveWorker } from './ipc';
import { requiredEnv } from './env';

// ERROR: the SDK warns that a worker without activities polls for none, which is the point here.
Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('ERROR') });
const connection = await NativeConnection.connect({ address: requiredEnv('BENCH_TEMPORAL_ADDRESS') });
const worker = await Worker.create({
  connection,
  namespace: 'default',
  taskQueue: requiredEnv('BENCH_TASK_QUEUE'),
  workflowBundle: { codePath: requiredEnv('BENCH_BUNDLE_PATH') },
});
serveWorker(worker, () => connection.close());
