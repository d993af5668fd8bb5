import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createApplicationService } from '../../client/services/applications';
import { createDb, type Db } from '../../db/prisma-client';
import { freePort } from '../../dev/free-port';
import { unitBranchWorkflowId } from '../../workflows/ids';
import { makeInput } from '../support/application-input';
import { createIsolatedDatabase } from '../setup/test-database';
import { holdTableLock } from '../support/table-lock';
import type { LogEntry } from '../support/harness';

// The standalone processes as an operator runs them (`npm run server`, `npm run worker`): their
// readiness, health, graceful stop and Worker Versioning, on the run's Temporal dev server and a
// database of this file's own (a worker's outbox relay sends whatever it finds in its database).

const root = path.resolve(import.meta.dirname, '../..');

interface Running {
  child: ChildProcess;
  /** Its JSON log lines so far. */
  log: LogEntry[];
  exited: Promise<number | null>;
}

function run(entry: string, env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env: { ...process.env, K2FLOW_LOG_FORMAT: 'json', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: LogEntry[] = [];
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.trim()) log.push(JSON.parse(line) as LogEntry);
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then((code) => {
    if (code !== 0 && errors) console.error(`${entry} exited ${code}: ${errors}`);
  });
  running.push(child);
  return { child, log, exited };
}
const running: ChildProcess[] = [];

/** An SMTP server that takes every message. */
async function startSmtp() {
  const server = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, onData: (stream, _session, callback) => stream.on('end', () => callback()).resume() });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * An SMTP server that takes connections and never greets, the way one that hangs leaves a client
 * waiting. `stalled` resolves at the first connection it holds.
 */
async function startSilentSmtp() {
  let sawStall: () => void = () => {};
  const stalled = new Promise<void>((resolve) => (sawStall = resolve));
  const held: Socket[] = [];
  const server = createServer((socket) => {
    held.push(socket);
    sawStall();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stalled,
    close: () => {
      held.forEach((s) => s.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let database: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let db: Db;
let connection: Connection;
let temporal: Client;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  database = await createIsolatedDatabase('k2flow_processes', inject('databaseTemplate'));
  db = createDb(database.url);
  connection = await Connection.connect({ address: inject('temporalAddress') });
  temporal = new Client({ connection });
  smtp = await startSmtp();
});
afterAll(async () => {
  running.forEach((child) => child.kill('SIGKILL'));
  await connection.close();
  await db.$disconnect();
  await smtp.close();
  await database.drop();
});

const commonEnv = () => ({ TEMPORAL_ADDRESS: inject('temporalAddress'), DATABASE_URL: database.url, K2FLOW_AUTH_SECRET: `${randomUUID()}${randomUUID()}` });
const waitForLine = (p: Running, msg: RegExp) => vi.waitFor(() => expect(p.log.some((e) => msg.test(e.msg))).toBe(true), { timeout: 60_000, interval: 100 });
const getJson = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const by = { userId: 'processes-test', name: 'Processes test', email: 'processes@k2flow.test', via: 'api-key' as const, requestId: 'processes-test' };

describe('the standalone server', () => {
  it('reports SMTP in /readyz without failing for it, and on SIGTERM (twice) finishes the request in flight before it exits', async () => {
    const front = await startSilentSmtp();
    const port = await freePort();
    const server = run('client/http/main.ts', { ...commonEnv(), PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_URL: front.url });
    try {
      await waitForLine(server, /^k2flow server on /);
      const readyz = `http://127.0.0.1:${port}/readyz`;

      // The first readiness check asks the SMTP server, which takes the connection and never
      // greets: the check is in flight, held up, when the stop comes.
      const inFlight = getJson(readyz);
      await front.stalled;
      server.child.kill('SIGTERM');
      await waitForLine(server, /^stopping: finishing requests in flight$/);
      // The signal again, mid-stop, as a signal to a process group reaches a process more than
      // once (npm passes its copy on): it must not cut the stop short.
      server.child.kill('SIGTERM');
      // It is answered (SMTP reported, the server still ready for it), then the process ends cleanly.
      expect(await inFlight).toEqual({ status: 200, body: { ready: true, checks: { database: 'ok', temporal: 'ok', smtp: 'unavailable' } } });
      expect(await server.exited).toBe(0);
      expect(server.log.map((e) => e.msg)).toContain('k2flow server stopped');
      await expect(fetch(readyz)).rejects.toThrow();
    } finally {
      await front.close();
    }
  }, 90_000);

  it('answers an approver within seconds, with the outage page, while a table it reads is locked', async () => {
    const port = await freePort();
    const server = run('client/http/main.ts', { ...commonEnv(), PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
    let lock: Awaited<ReturnType<typeof holdTableLock>> | undefined;
    try {
      await waitForLine(server, /^k2flow server on /);
      // As a migration's ALTER TABLE would hold it: every read of the table waits.
      lock = await holdTableLock(database.url, 'ApprovalToken', 'ACCESS EXCLUSIVE');
      const link = `http://127.0.0.1:${port}/approvals/${'A'.repeat(22)}.${'B'.repeat(43)}`;
      const page = await fetch(link, { headers: { accept: 'text/html' }, signal: AbortSignal.timeout(20_000) });
      expect(page.status).toBe(503);
      expect(page.headers.get('retry-after')).toBeTruthy();
      expect(await page.text()).toContain('k2flow jest chwilowo niedostępny');
    } finally {
      await lock?.release();
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 90_000);
});

/**
 * Starts an application on `taskQueue` while the test holds a lock that keeps approval requests
 * from being written, and returns once the activity opening them is waiting for it.
 */
async function startWithItsFirstActivityHeld(taskQueue: string) {
  const locker = new pg.Client({ connectionString: database.url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE "ApprovalRequest" IN EXCLUSIVE MODE');
  const waiting = async () => Number((await locker.query(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].count);
  const input = makeInput({ units: 1 });
  const { id } = await createApplicationService({ db, temporal, taskQueue }).start(input, undefined, { office: 'k2', by });
  const release = async () => {
    await locker.query('COMMIT');
    await locker.end();
  };
  await vi.waitFor(async () => expect(await waiting()).toBeGreaterThan(0), { timeout: 30_000, interval: 100 }).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  return {
    id,
    input,
    release,
  };
}

describe('a standalone worker', () => {
  const workerEnv = (taskQueue: string, extra: Record<string, string> = {}) => ({ ...commonEnv(), SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, TEMPORAL_TASK_QUEUE: taskQueue, PUBLIC_URL: 'http://127.0.0.1:9', ...extra });

  it('answers /healthz and /readyz, and on SIGTERM lets its running activity finish before it exits', async () => {
    const taskQueue = `processes-${randomUUID()}`;
    const healthPort = await freePort();
    const worker = run('worker/main.ts', workerEnv(taskQueue, { K2FLOW_WORKER_HEALTH_ADDRESS: `127.0.0.1:${healthPort}` }));
    await waitForLine(worker, /^k2flow worker polling/);
    const health = `http://127.0.0.1:${healthPort}`;
    expect(await getJson(`${health}/healthz`)).toEqual({ status: 200, body: { ok: true, state: 'RUNNING' } });
    expect(await getJson(`${health}/readyz`)).toEqual({ status: 200, body: { ready: true, checks: { database: 'ok', temporal: 'ok', smtp: 'ok' } } });

    const { id, input, release } = await startWithItsFirstActivityHeld(taskQueue);
    worker.child.kill('SIGTERM');
    await vi.waitFor(async () => expect((await getJson(`${health}/healthz`)).status).toBe(503), { timeout: 10_000, interval: 50 });
    await release();
    expect(await worker.exited).toBe(0);

    // The activity finished on its first attempt: its requests are written, nothing failed or timed out.
    expect(await db.approvalRequest.count({ where: { applicationId: id } })).toBeGreaterThan(0);
    const { events } = await temporal.workflow.getHandle(unitBranchWorkflowId(id, 'modules', input.units[0]!.key)).fetchHistory();
    const kinds = (events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k]));
    expect(kinds).toContain('activityTaskCompletedEventAttributes');
    expect(kinds.filter((k) => /activityTask(Failed|TimedOut|Canceled)/.test(k ?? ''))).toEqual([]);
    expect((events ?? []).filter((e) => e.activityTaskStartedEventAttributes).every((e) => e.activityTaskStartedEventAttributes!.attempt === 1)).toBe(true);
    await temporal.workflow.getHandle(id).terminate('test over');
  }, 120_000);

  it('gives up on an activity still running after K2FLOW_SHUTDOWN_TIMEOUT_SECONDS (and 10 s more), says so, and exits 1', async () => {
    const taskQueue = `processes-${randomUUID()}`;
    const healthPort = await freePort();
    const worker = run('worker/main.ts', workerEnv(taskQueue, { K2FLOW_SHUTDOWN_TIMEOUT_SECONDS: '1', K2FLOW_WORKER_HEALTH_ADDRESS: `127.0.0.1:${healthPort}` }));
    await waitForLine(worker, /^k2flow worker polling/);
    // Ready: its database pool has connected (a first connection made while the lock is held can wait on it).
    expect((await getJson(`http://127.0.0.1:${healthPort}/readyz`)).status).toBe(200);
    const { id, release } = await startWithItsFirstActivityHeld(taskQueue);
    try {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(1);
      const said = worker.log.map((e) => e.msg);
      expect(said).toContain('the worker did not stop in time: activities still running were abandoned, to be retried elsewhere');
      expect(said[said.length - 1]).toBe('k2flow worker stopped');
    } finally {
      await release();
      await temporal.workflow.getHandle(id).terminate('test over');
    }
  }, 120_000);

  it('serves the Worker Deployment version it is given, and applications run on the current version', async () => {
    const taskQueue = `processes-${randomUUID()}`;
    const deploymentName = `k2flow-test-${randomUUID().slice(0, 8)}`;
    const worker = run('worker/main.ts', workerEnv(taskQueue, { K2FLOW_WORKER_DEPLOYMENT_NAME: deploymentName, K2FLOW_WORKER_BUILD_ID: 'build-a' }));
    await waitForLine(worker, /^k2flow worker polling/);
    expect(worker.log.find((e) => /^k2flow worker polling/.test(e.msg))).toMatchObject({ deployment: deploymentName, buildId: 'build-a' });

    // What an operator does with `temporal worker deployment set-current-version`, once the version has polled.
    await vi.waitFor(() => connection.workflowService.setWorkerDeploymentCurrentVersion({ namespace: 'default', deploymentName, buildId: 'build-a', identity: 'processes test' }), { timeout: 30_000, interval: 500 });
    const input = makeInput({ units: 1 });
    const { id } = await createApplicationService({ db, temporal, taskQueue }).start(input, undefined, { office: 'k2', by });
    await vi.waitFor(async () => expect(await db.approvalRequest.count({ where: { applicationId: id } })).toBeGreaterThan(0), { timeout: 30_000, interval: 200 });
    const described = await temporal.workflow.getHandle(id).describe();
    const versioning = described.raw.workflowExecutionInfo?.versioningInfo;
    expect(versioning?.deploymentVersion).toMatchObject({ deploymentName, buildId: 'build-a' });
    expect(versioning?.behavior).toBe(2); // VERSIONING_BEHAVIOR_AUTO_UPGRADE
    await temporal.workflow.getHandle(id).terminate('test over');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  }, 120_000);
});
