// Everything the benchmark runs on: one Temporal dev server, a dedicated database, the development
// mailbox, and three measured children (k2flow's server and worker, the bare baseline's worker).
import { Client, Connection } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { migrate } from '../db/migrate';
import { freePort } from '../dev/free-port';
import { startMailbox } from '../dev/mailbox';
import { resolveTemporalCli } from '../dev/temporal-cli';
import { startTemporalDevServer } from '../dev/temporal-dev-server';
import { createIsolatedDatabase, serverUrl } from '../test/setup/test-database';
import { buildWorkflowBundle, ensureWorkflowBundle } from '../worker/workflow-bundle';
import { startChild } from './ipc';
import { watchApprovalLinks } from './mail-links';

/** One "working day" of k2flow's reminders and escalations: an hour, so none fires during a run. */
const SCHEDULE_UNIT_MS = 60 * 60_000;
/** The prefix of the fresh database a run makes (its name adds the time and process). */
export const BENCH_DATABASE = 'k2flow_bench';

export type Stack = Awaited<ReturnType<typeof startStack>>;

export async function startStack(log: (line: string) => void) {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((error: Error) => log(`while stopping: ${error.message}`));
  };
  try {
    const temporal = await temporalServer(log);
    stops.push(temporal.stop);
    const database = await benchDatabase(log);
    stops.push(database.drop);
    const bundles = await workflowBundles(log);
    stops.push(bundles.remove);
    const mailbox = await startMailbox();
    stops.push(() => mailbox.close());
    const links = watchApprovalLinks(mailbox);
    stops.push(async () => links.stop());

    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const k2flowQueue = `bench-k2flow-${randomUUID().slice(0, 8)}`;
    const bareQueue = `bench-bare-${randomUUID().slice(0, 8)}`;
    // K2FLOW_AUTH_SECRET's part: cookies on the server, the outbox's sealing key in the worker.
    const secret = randomBytes(32).toString('hex');
    const common = { BENCH_TEMPORAL_ADDRESS: temporal.address, BENCH_DATABASE_URL: database.url, BENCH_PUBLIC_URL: publicUrl, BENCH_SECRET: secret };
    const k2flowWorker = await startChild('k2flow worker', 'k2flow-worker.ts', { ...common, BENCH_TASK_QUEUE: k2flowQueue, BENCH_BUNDLE_PATH: bundles.k2flow, BENCH_SMTP_URL: mailbox.smtpUrl });
    stops.push(() => k2flowWorker.stop());
    const server = await startChild('k2flow server', 'k2flow-server.ts', { ...common, BENCH_TASK_QUEUE: k2flowQueue, BENCH_PORT: String(port), BENCH_SCHEDULE_UNIT_MS: String(SCHEDULE_UNIT_MS) });
    stops.push(() => server.stop());
    const bareWorker = await startChild('bare worker', 'baseline-worker.ts', { BENCH_TEMPORAL_ADDRESS: temporal.address, BENCH_TASK_QUEUE: bareQueue, BENCH_BUNDLE_PATH: bundles.bare });
    stops.push(() => bareWorker.stop());

    const connection = await Connection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const client = new Client({ connection });
    log(`Temporal ${temporal.address}${temporal.started ? ' (dev server started for this run, in memory)' : ' (BENCH_TEMPORAL_ADDRESS)'}; database ${database.description}; SMTP ${mailbox.smtpUrl}; k2flow ${publicUrl}`);

    return {
      temporalAddress: temporal.address,
      temporalVersion: temporal.version,
      postgresVersion: database.version,
      client,
      links,
      publicUrl,
      statementsOnServer: database.statementsOnServer,
      k2flow: { server, worker: k2flowWorker, taskQueue: k2flowQueue },
      bare: { worker: bareWorker, taskQueue: bareQueue },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The run's own in-memory dev server on free ports, or the one at BENCH_TEMPORAL_ADDRESS. */
async function temporalServer(log: (line: string) => void) {
  const given = process.env.BENCH_TEMPORAL_ADDRESS?.trim();
  if (given) return { address: given, started: false, version: 'external', stop: async () => {} };
  const cliPath = await resolveTemporalCli(log);
  const server = await startTemporalDevServer({ cliPath, port: await freePort() });
  const version = cliPath ? (await promisify(execFile)(cliPath, ['--version'])).stdout.trim() : 'downloaded by the SDK';
  return { address: server.address, started: true, version, stop: () => server.stop() };
}

/**
 * BENCH_DATABASE_URL: that database as it is (migrated). Otherwise a fresh `k2flow_bench_…` on the
 * PostgreSQL server at DATABASE_URL (as for the tests) or this machine's, dropped at the end.
 */
async function benchDatabase(log: (line: string) => void) {
  const given = process.env.BENCH_DATABASE_URL?.trim();
  const fresh = given ? null : await createIsolatedDatabase(BENCH_DATABASE);
  const url = given ?? fresh!.url;
  const drop = async () => fresh?.drop();
  await migrate(url);
  const version = await onDatabase(url, async (c) => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v);
  const statementsOnServer = await pgStatStatements(url, !given, log);
  const description = given ? 'BENCH_DATABASE_URL' : `${new URL(url).pathname.slice(1)} (fresh, on ${serverUrl().replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@')})`;
  return { url, drop, version, statementsOnServer, description };
}

async function onDatabase<T>(url: string, use: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await use(c);
  } finally {
    await c.end();
  }
}

/**
 * The statements PostgreSQL itself counted in this database (pg_stat_statements), when the server
 * loads the extension; null when it does not (the children's own counts are used then).
 */
async function pgStatStatements(url: string, mayCreate: boolean, log: (line: string) => void): Promise<(() => Promise<number>) | null> {
  const total = () =>
    onDatabase(url, async (c) => {
      const { rows } = await c.query<{ calls: string | null }>('SELECT sum(calls)::text AS calls FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())');
      return Number(rows[0]?.calls ?? 0);
    });
  try {
    if (mayCreate) await onDatabase(url, (c) => c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'));
    await total();
    return total;
  } catch (error) {
    log(`pg_stat_statements is not available (${(error as Error).message.split('\n')[0]}); statements are counted in the k2flow processes.`);
    return null;
  }
}

/**
 * Both workflow bundles, made by the one module that bundles (worker/workflow-bundle.ts): k2flow's
 * is `npm run build:workflows`'s dist/ bundle, reused when fresh, as a deployed worker loads it.
 */
async function workflowBundles(log: (line: string) => void) {
  const dir = await mkdtemp(path.join(tmpdir(), 'k2flow-bench-'));
  const { codePath: k2flow } = await ensureWorkflowBundle({ log });
  const bare = path.join(dir, 'bare-workflows.js');
  // Bare Temporal: no interceptors (k2flow's tracing ones would add a patch marker and spans to it).
  await buildWorkflowBundle({ workflowsPath: path.resolve(import.meta.dirname, 'baseline/workflows.ts'), bundlePath: bare, interceptorModules: [] });
  return { k2flow, bare, remove: () => rm(dir, { recursive: true, force: true }) };
}
