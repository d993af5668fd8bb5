import { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../activities';
import { createActivities } from '../activities';
import { startOutboxRelay, type OutboxRelay } from '../mail/outbox-relay';
import { workerTracingOptions } from '../observability/tracing';

export interface WorkerSettings {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** The prebuilt workflow bundle (worker/workflow-bundle.ts): a worker never bundles at start. */
  workflowBundle: { codePath: string };
  /** How much it takes on at once (K2FLOW_WORKER_*); the defaults below otherwise. */
  tuning?: WorkerTuning;
}

export interface WorkerTuning {
  maxActivities?: number;
  maxWorkflowTasks?: number;
  /** Workflows kept in memory between tasks; undefined: the SDK's default for the machine. */
  cachedWorkflows?: number;
}

/** The tuning the settings name (config/app-config.ts). */
export const tuningFrom = (c: { K2FLOW_WORKER_MAX_ACTIVITIES?: number; K2FLOW_WORKER_MAX_WORKFLOW_TASKS?: number; K2FLOW_WORKER_CACHED_WORKFLOWS?: number }): WorkerTuning => ({
  maxActivities: c.K2FLOW_WORKER_MAX_ACTIVITIES,
  maxWorkflowTasks: c.K2FLOW_WORKER_MAX_WORKFLOW_TASKS,
  cachedWorkflows: c.K2FLOW_WORKER_CACHED_WORKFLOWS,
});

/**
 * Activities a worker runs at once: each holds a database connection for
 * milliseconds, and the pool (db/prisma-client.ts, DEFAULT_POOL_SIZE) has room for them and the
 * relay. More would only wait for connections; Temporal keeps the rest queued meanwhile.
 */
export const WORKER_CONCURRENT_ACTIVITIES = 20;

/** A k2flow worker: the Temporal worker, and the outbox relay that sends what its activities write. */
export interface K2flowWorker {
  /** Runs until shutdown; the relay stops after the Temporal worker, so its last activities' emails go out. */
  run(): Promise<void>;
  shutdown(): void;
  temporal: Worker;
}

/** The one place a worker is assembled: activities wired with their real dependencies. */
export async function createWorker({ connection, namespace, taskQueue, deps, workflowBundle, tuning = {} }: WorkerSettings): Promise<K2flowWorker> {
  let relay: OutboxRelay | null = null;
  const wakeOutbox = () => relay?.wake();
  const temporal = await Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities({ ...deps, wakeOutbox }),
    workflowBundle,
    maxConcurrentActivityTaskExecutions: tuning.maxActivities ?? WORKER_CONCURRENT_ACTIVITIES,
    ...(tuning.maxWorkflowTasks !== undefined ? { maxConcurrentWorkflowTaskExecutions: tuning.maxWorkflowTasks } : {}),
    ...(tuning.cachedWorkflows !== undefined ? { maxCachedWorkflows: tuning.cachedWorkflows } : {}),
    // Activities' spans and the sink of the workflows' (observability/tracing.ts).
    ...workerTracingOptions(),
  });
  return {
    temporal,
    async run() {
      relay = startOutboxRelay({ db: deps.db, mailer: deps.mailer, outboxKey: deps.outboxKey, clock: deps.clock });
      try {
        await temporal.run();
      } finally {
        await relay.drain().catch(() => 0);
        await relay.stop();
      }
    },
    shutdown: () => temporal.shutdown(),
  };
}
