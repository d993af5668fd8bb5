import { Client, Connection } from '@temporalio/client';
import protos from '@temporalio/proto';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { createApplicationService } from '../../client/services/applications';
import { createDb } from '../../db/prisma-client';
import { decideUpdate, removeUnitUpdate } from '../../workflows/messages';
import { makeInput } from '../support/application-input';

/**
 * An SMTP server that, while `stalling`, takes a message's data but never answers it, the way a
 * slow server leaves a sender waiting; it counts every message it did accept, by Message-ID.
 */
async function startStallingSmtp() {
  const accepted: Array<{ messageId: string; to: string }> = [];
  let stalling = true;
  let stalled: () => void = () => {};
  const firstStall = new Promise<void>((resolve) => (stalled = resolve));
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      if (stalling) {
        stream.resume(); // read it, never answer: the sender is mid-send when it is killed
        stalled();
        return;
      }
      simpleParser(stream).then((mail) => {
        accepted.push({ messageId: mail.messageId ?? '', to: session.envelope.rcptTo[0]!.address });
        callback();
      }, callback);
    },
  });
  server.on('error', () => {}); // the killed worker's connection resets: expected here
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    accepted,
    firstStall,
    stopStalling: () => (stalling = false),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const root = path.resolve(import.meta.dirname, '../..');
const workers: ChildProcess[] = [];
/** The end of what the test's workers wrote to stderr, shown when a wait times out. */
let workerErrors = '';
/** `npm run worker`: it loads dist/workflow-bundle.js, which global setup has made fresh, so it starts without bundling. */
function startWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', (chunk: Buffer) => (workerErrors = (workerErrors + chunk.toString()).slice(-4000)));
  workers.push(child);
  return child;
}
// Each test's workers go with it: a worker left running would find the next test's outbox (sealed with another key).
afterEach(() => workers.splice(0).forEach((w) => w.kill('SIGKILL')));

/** What a standalone worker process needs, against the run's Temporal and database and a test's SMTP server. */
const workerEnv = (smtpUrl: string, taskQueue: string) => ({
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  DATABASE_URL: inject('databaseUrl'),
  SMTP_URL: smtpUrl,
  TEMPORAL_TASK_QUEUE: taskQueue,
  PUBLIC_URL: 'http://127.0.0.1:9',
  K2FLOW_AUTH_SECRET: `${randomUUID()}${randomUUID()}`,
});

describe('a worker killed in the middle of sending email', () => {
  it('leaves every message delivered exactly once after the relay of another worker takes it over', async () => {
    const smtp = await startStallingSmtp();
    const taskQueue = `crash-${randomUUID()}`;
    const env = workerEnv(smtp.url, taskQueue);
    const db = createDb(inject('databaseUrl'));
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const applications = createApplicationService({ db, temporal: new Client({ connection }), taskQueue });
      const first = startWorker(env);
      const input = makeInput({ units: 2 });
      const { id } = await applications.start(input, undefined, { office: 'k2', by: { userId: 'crash-test', name: 'Crash test', email: 'crash@k2flow.test', via: 'api-key', requestId: 'crash-test' } });

      await smtp.firstStall; // one invitation is on the wire, unanswered
      first.kill('SIGKILL');
      smtp.stopStalling();
      startWorker(env);

      const approvers = input.units.map((u) => u.approver.email);
      await vi.waitFor(() => expect(smtp.accepted.map((m) => m.to).sort()).toEqual([...approvers].sort()), { timeout: 90_000, interval: 250 });
      await new Promise((r) => setTimeout(r, 1_000)); // room for a wrong second copy to arrive
      expect(smtp.accepted).toHaveLength(2);
      expect(new Set(smtp.accepted.map((m) => m.messageId)).size).toBe(2);
      const outbox = await db.outboxMessage.findMany({ where: { applicationId: id }, select: { status: true, attempts: true } });
      expect(outbox.map((o) => o.status)).toEqual(['sent', 'sent']);
      // The messages cut off by the kill were sent again (a second attempt), each accepted once.
      expect(outbox.some((o) => o.attempts === 2)).toBe(true);
    } finally {
      await connection.close();
      await db.$disconnect();
      await smtp.close();
    }
  }, 150_000);
});

/** An SMTP server that accepts every message and calls `onAccepted` the moment it has answered 250. */
async function startAcceptingSmtp(onAccepted: (mail: { messageId: string; to: string; text: string }) => void) {
  const accepted: Array<{ messageId: string; to: string; text: string }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        const mail = { messageId: parsed.messageId ?? '', to: session.envelope.rcptTo[0]!.address, text: parsed.text ?? '' };
        accepted.push(mail);
        callback();
        onAccepted(mail);
      }, callback);
    },
  });
  server.on('error', () => {}); // the killed worker's connection resets: expected here
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, accepted, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('a worker killed the moment the SMTP server accepted an invitation', () => {
  it('sends the very same email again on retry: same Message-ID, same working link, one token', async () => {
    let first: ChildProcess | undefined;
    let killed = false;
    const smtp = await startAcceptingSmtp(() => {
      if (killed) return;
      killed = true;
      first!.kill('SIGKILL'); // before it can mark the message sent
    });
    const taskQueue = `resend-${randomUUID()}`;
    const env = workerEnv(smtp.url, taskQueue);
    const db = createDb(inject('databaseUrl'));
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const applications = createApplicationService({ db, temporal: new Client({ connection }), taskQueue });
      first = startWorker(env);
      const input = makeInput({ units: 1 });
      const { id } = await applications.start(input, undefined, { office: 'k2', by: { userId: 'resend-test', name: 'Resend test', email: 'resend@k2flow.test', via: 'api-key', requestId: 'resend-test' } });
      await vi.waitFor(() => expect(killed).toBe(true), { timeout: 60_000, interval: 100 });
      startWorker(env);

      await vi.waitFor(async () => expect((await db.outboxMessage.findMany({ where: { applicationId: id }, select: { status: true } })).map((o) => o.status)).toEqual(['sent']), { timeout: 90_000, interval: 250 });
      const copies = smtp.accepted.filter((m) => m.to === input.units[0]!.approver.email);
      expect(copies.length).toBe(2); // accepted, then sent again because the kill came before "sent"
      expect(copies[1]!.messageId).toBe(copies[0]!.messageId);
      expect(copies[1]!.text).toBe(copies[0]!.text);
      const tokens = await db.approvalToken.findMany({ where: { request: { applicationId: id } }, select: { revokedAt: true } });
      expect(tokens).toEqual([{ revokedAt: null }]);
      const stored = await db.outboxMessage.findFirstOrThrow({ where: { applicationId: id }, select: { sealedMessage: true } });
      expect(Buffer.from(stored.sealedMessage!).toString('latin1')).not.toContain('/approvals/');
    } finally {
      await connection.close();
      await db.$disconnect();
      await smtp.close();
    }
  }, 150_000);
});

describe('a worker killed while writing a decision it took, then the unit removed', () => {
  it("records the decision before the unit's requests close, not after they were closed without it", async () => {
    const smtp = await startAcceptingSmtp(() => {});
    const taskQueue = `removal-${randomUUID()}`;
    const env = workerEnv(smtp.url, taskQueue);
    const db = createDb(inject('databaseUrl'));
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const temporal = new Client({ connection });
    const blocker = new pg.Client({ connectionString: inject('databaseUrl') });
    await blocker.connect();
    const blockerPid = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    // Whatever statement waits (the update itself, or a row that refers to the request), it waits on the blocker.
    const lockWaiters = async () =>
      (await blocker.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [blockerPid])).rows[0].n as number;
    try {
      const applications = createApplicationService({ db, temporal, taskQueue });
      const first = startWorker(env);
      const by = { userId: 'removal-test', name: 'Removal test', email: 'removal@k2flow.test', via: 'api-key' as const, requestId: 'removal-test' };
      const { id } = await applications.start(makeInput({ units: 2 }), undefined, { office: 'k2', by });
      const request = await vi.waitFor(() => db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, unitKey: 'unit-2' }, select: { id: true, workflowId: true } }), { timeout: 60_000, interval: 100 });

      // The workflow takes the decision; writing it waits behind a row another session holds...
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM "ApprovalRequest" WHERE id = $1 FOR UPDATE', [request.id]);
      await temporal.workflow.getHandle(request.workflowId).executeUpdate(decideUpdate, { args: [{ requestId: request.id, decision: 'approve' }] });
      // Its transition (recording the decision) is scheduled, and cannot complete while the row is held.
      const { EventType } = protos.temporal.api.enums.v1;
      const transitionScheduled = async () => {
        const events = (await temporal.workflow.getHandle(request.workflowId).fetchHistory()).events ?? [];
        const answered = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
        return answered >= 0 && events.slice(answered).some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'applyTransition');
      };
      await vi.waitUntil(transitionScheduled, { timeout: 60_000, interval: 100 }).catch(async (error: unknown) => {
        // Should it not happen: say what the database and the workflows were doing.
        const sessions = await blocker.query("SELECT state, wait_event_type, wait_event, left(query, 160) AS query FROM pg_stat_activity WHERE datname = current_database()");
        console.log('[worker-crash] sessions', JSON.stringify(sessions.rows));
        console.log('[worker-crash] worker stderr', workerErrors);
        for (const workflowId of [request.workflowId, id]) {
          const events = (await temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
          console.log(`[worker-crash] ${workflowId}`, events.map((e) => `${e.eventId} ${EventType[e.eventType!]} ${e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''}`).join(', '));
        }
        throw error;
      });
      // ...and its worker dies: the write is lost with it, and retried only once its attempt times out.
      first.kill('SIGKILL');
      startWorker(env);

      // Sent straight to Temporal: the new worker takes over the application's tasks only once the dead one's sticky queue times out.
      const removal = temporal.workflow.getHandle(id).executeUpdate(removeUnitUpdate, { args: [{ unitKey: 'unit-2', reason: 'The school left the partnership', by }] });
      // The application has taken the removal; whatever it closes at once is queued behind the held row.
      await vi.waitUntil(
        async () => {
          const events = (await temporal.workflow.getHandle(id).fetchHistory()).events ?? [];
          if (!events.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)) return false;
          const closing = events.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordUnitRemoved');
          return !closing || (await lockWaiters()) > 0;
        },
        { timeout: 30_000, interval: 100 },
      );
      await blocker.query('ROLLBACK');
      await removal;

      expect(await db.approvalRequest.findUniqueOrThrow({ where: { id: request.id }, select: { status: true } })).toEqual({ status: 'approved' });
      const trail = await db.auditEvent.findMany({ where: { applicationId: id, type: { in: ['approval.decided', 'approval.closed'] } }, select: { type: true, data: true } });
      expect(trail.filter((e) => (e.data as { requestId: string }).requestId === request.id).map((e) => e.type)).toEqual(['approval.decided']);
    } finally {
      await blocker.end();
      await connection.close();
      await db.$disconnect();
      await smtp.close();
    }
  }, 150_000);
});
