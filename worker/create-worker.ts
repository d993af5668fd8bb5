import { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../activities';
import { createActivities } from '../activities';

export interface WorkerSettings {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** The prebuilt workflow bundle (worker/workflow-bundle.ts): a worker never bundles at start. */
  workflowBundle: { codePath: string };
}

/** The one place a worker is assembled: activities wired with their real dependencies. */
export function createWorker({ connection, namespace, taskQueue, deps, workflowBundle }: WorkerSettings): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities(deps),
    workflowBundle,
  });
}
