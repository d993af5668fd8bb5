import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../db/migrate';
import { freePort } from '../../dev/free-port';
import { resolveTemporalCli } from '../../dev/temporal-cli';
import { startTemporalDevServer } from '../../dev/temporal-dev-server';
import { workflowsPath } from '../../worker/create-worker';
import { createIsolatedDatabase } from './test-database';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    workflowBundlePath: string;
  }
}

/**
 * Once per run: a real Temporal dev server (in memory), an isolated PostgreSQL database with
 * the migrations applied, and one workflow bundle that every test worker loads.
 */
export default async function setup(project: TestProject) {
  const [cliPath, database, port] = await Promise.all([resolveTemporalCli(), createIsolatedDatabase(), freePort()]);
  const server = await startTemporalDevServer({ cliPath, port });
  await migrate(database.url);
  const dir = await mkdtemp(path.join(tmpdir(), 'k2flow-bundle-'));
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  await writeFile(bundlePath, code);

  project.provide('temporalAddress', server.address);
  project.provide('databaseUrl', database.url);
  project.provide('workflowBundlePath', bundlePath);

  return async () => {
    await server.stop();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  };
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
