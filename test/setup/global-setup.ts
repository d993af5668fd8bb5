import type { TestProject } from 'vitest/node';
import { migrate } from '../../db/migrate';
import { freePort } from '../../dev/free-port';
import { resolveTemporalCli } from '../../dev/temporal-cli';
import { resolveMinio } from '../../dev/minio';
import { startTemporalDevServer } from '../../dev/temporal-dev-server';
import { ensureWorkflowBundle } from '../../worker/workflow-bundle';
import { createIsolatedDatabase } from './test-database';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    /** A migrated database nobody connects to, which each harness copies (test/support/harness.ts). */
    databaseTemplate: string;
    workflowBundlePath: string;
    /** The MinIO server binary, for tests of the S3 document store (each starts its own). */
    minioPath: string | null;
  }
}

/**
 * Once per run: a real Temporal dev server (in memory), an isolated PostgreSQL database with
 * the migrations applied, and the workflow bundle that every test worker loads: the same
 * dist/workflow-bundle.js that `npm run worker` loads (worker-crash.test.ts spawns such workers),
 * built here only when missing or stale (`npm test`'s prepare step has usually built it already).
 */
export default async function setup(project: TestProject) {
  const [cliPath, minioPath, template, port, bundle] = await Promise.all([
    resolveTemporalCli(),
    resolveMinio((line) => console.log(`[global-setup] ${line}`)),
    createIsolatedDatabase('k2flow_template'),
    freePort(),
    ensureWorkflowBundle({ log: (line) => console.log(`[global-setup] ${line}`) }),
  ]);
  const server = await startTemporalDevServer({ cliPath, port });
  await migrate(template.url);
  const database = await createIsolatedDatabase('k2flow_test', template.name);

  project.provide('temporalAddress', server.address);
  project.provide('databaseUrl', database.url);
  project.provide('databaseTemplate', template.name);
  project.provide('workflowBundlePath', bundle.codePath);
  project.provide('minioPath', minioPath);

  return async () => {
    await server.stop();
    await database.drop();
    await template.drop();
  };
}
