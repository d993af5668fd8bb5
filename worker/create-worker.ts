import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createRequire } from 'node:module';
import type { ActivityDeps } from '../activities';
import { createActivities } from '../activities';

export interface WorkerSettings {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A pre-built bundle (tests build it once); otherwise the worker bundles workflows/ itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export const workflowsPath = createRequire(import.meta.url).resolve('../workflows/index.ts');

/** The one place a worker is assembled: activities wired with their real dependencies. */
export function createWorker({ connection, namespace, taskQueue, deps, workflowBundle }: WorkerSettings): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities(deps),
    ...(workflowBundle ? { workflowBundle } : { workflowsPath }),
  });
}
