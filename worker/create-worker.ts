import { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../activities';
import { createActivities } from '../activities';
import { startOutboxRelay, type OutboxRelay } from '../mail/outbox-relay';
import type { Logger } from '../observability/logger';
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
  /** Worker Versioning: the deployment and build this worker serves (K2FLOW_WORKER_DEPLOYMENT_NAME); unversioned without. */
  versioning?: WorkerVersioning;
  /** How long running activities may finish after shutdown is asked for, before they are cancelled (K2FLOW_SHUTDOWN_TIMEOUT_SECONDS). */
  shutdownGraceSeconds?: number;
  /** The outbox relay's logger; the Temporal worker logs through the runtime's (worker/runtime.ts). */
  logger?: Logger;
}

export interface WorkerTuning {
  maxActivities?: number;
  maxWorkflowTasks?: number;
  /** Workflows kept in memory between tasks; undefined: the SDK's default for the machine. */
  cachedWorkflows?: number;
}

export interface WorkerVersioning {
  deploymentName: string;
  buildId: string;
  /**
   * AUTO_UPGRADE: a running application moves to the current version at its next workflow task, so
   * a change still goes behind patched() and the replay corpus proves it; applications run for
   * weeks, which pinning would make old workers serve. PINNED keeps each on the version it started on.
   */
  behavior: 'AUTO_UPGRADE' | 'PINNED';
}

/** The versioning the settings name; the build id defaults to the workflow bundle's hash. */
export const versioningFrom = (
  c: { K2FLOW_WORKER_DEPLOYMENT_NAME?: string; K2FLOW_WORKER_BUILD_ID?: string; K2FLOW_WORKER_VERSIONING_BEHAVIOR: 'auto-upgrade' | 'pinned' },
  bundleHash: string,
): WorkerVersioning | undefined =>
  c.K2FLOW_WORKER_DEPLOYMENT_NAME
    ? { deploymentName: c.K2FLOW_WORKER_DEPLOYMENT_NAME, buildId: c.K2FLOW_WORKER_BUILD_ID ?? bundleHash.slice(0, 12), behavior: c.K2FLOW_WORKER_VERSIONING_BEHAVIOR === 'pinned' ? 'PINNED' : 'AUTO_UPGRADE' }
    : undefined;

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
export async function createWorker({ connection, namespace, taskQueue, deps, workflowBundle, tuning = {}, logger, shutdownGraceSeconds = 30, versioning }: WorkerSettings): Promise<K2flowWorker> {
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
    // A stop lets running activities finish (they take milliseconds); one still running after the
    // grace is cancelled, and 10 s later run() rejects and the process gives up on it (it is
    // retried elsewhere when its start-to-close timeout passes).
    shutdownGraceTime: shutdownGraceSeconds * 1000,
    shutdownForceTime: (shutdownGraceSeconds + 10) * 1000,
    ...(versioning
      ? {
          workerDeploymentOptions: {
            version: { deploymentName: versioning.deploymentName, buildId: versioning.buildId },
            useWorkerVersioning: true,
            defaultVersioningBehavior: versioning.behavior,
          },
        }
      : {}),
    // Activities' spans and the sink of the workflows' (observability/tracing.ts).
    ...workerTracingOptions(),
  });
  return {
    temporal,
    async run() {
      relay = startOutboxRelay({ db: deps.db, mailer: deps.mailer, outboxKey: deps.outboxKey, clock: deps.clock, logger });
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
