import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../activities';
import { stableMessageId } from '../../activities/enqueue-email';
import { writeDecisionAtOnce } from '../../activities/record-decision';
import type { OpenApprovalRequestInput } from '../../activities/open-approval-request';
import { freePort } from '../../dev/free-port';
import { createSmtpMailer, type Mailer } from '../../mail/mailer';
import { startOutboxRelay } from '../../mail/outbox-relay';
import { outboxKeyFrom } from '../../mail/sealed-message';
import { linkIn } from '../support/api';
import { makeInput } from '../support/application-input';
import { startHarness, type Harness } from '../support/harness';

// Activities are called directly here, as a retry would call them: same input, second time.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

async function newApplication() {
  const input = makeInput({ units: 1 });
  const applicationId = `app-${randomUUID()}`;
  await createActivities(h.deps).recordApplicationStarted({ applicationId, input, definitionVersion: 1 });
  const unit = input.units[0]!;
  const request: OpenApprovalRequestInput = {
    requestId: `${applicationId}:unit-1:unit-confirmation:1:unit-approver`,
    applicationId,
    applicationTitle: input.title,
    unitKey: unit.key,
    unitName: unit.name,
    stepId: 'unit-confirmation',
    kind: 'sign-off',
    ask: `Include the K2 module in project ${unit.projectReference}`,
    round: 1,
    workflowId: `${applicationId}:modules:unit-1`,
    partyRole: 'unit-approver',
    partyName: unit.approver.name,
    partyEmail: unit.approver.email,
    partyLanguage: 'en',
    deadline: input.deadlines.unitConfirmation,
    acceptsLate: false,
  };
  return { applicationId, input, request };
}

/** A relay of the test's own, run until the outbox has nothing due for it, then stopped. */
async function runRelayOnce({ mailer = h.deps.mailer, clock, outboxKey = h.deps.outboxKey }: { mailer?: Mailer; clock?: () => Date; outboxKey?: Buffer }) {
  const relay = startOutboxRelay({ db: h.db, mailer, outboxKey, clock, pollMs: 60_000 });
  await relay.drain();
  await relay.stop();
}

const count = (applicationId: string, type: string) => h.db.auditEvent.count({ where: { applicationId, type } });

describe('activities retried with the same input', () => {
  it('write an application and its start record once', async () => {
    const { applicationId, input } = await newApplication();
    await createActivities(h.deps).recordApplicationStarted({ applicationId, input, definitionVersion: 1 });
    expect(await h.db.applicationUnit.count({ where: { applicationId } })).toBe(1);
    expect(await count(applicationId, 'application.started')).toBe(1);
  });

  it('send one approval email and keep one working link when the request is opened twice', async () => {
    const { applicationId, request } = await newApplication();
    const activities = createActivities(h.deps);
    await activities.openApprovalRequest(request);
    await activities.openApprovalRequest(request);

    const mails = await h.mailbox.waitFor(request.partyEmail, 1);
    await new Promise((r) => setTimeout(r, 300)); // room for a wrongly sent second copy to arrive
    expect(h.mailbox.list().filter((m) => m.to.includes(request.partyEmail))).toHaveLength(1);
    expect(mails[0]!.messageId).toBe(stableMessageId(`approval-request:${request.requestId}`, h.deps.publicUrl));
    expect(await h.db.approvalRequest.count({ where: { applicationId } })).toBe(1);
    expect(await h.db.approvalToken.count({ where: { approvalRequestId: request.requestId, revokedAt: null } })).toBe(1);
    expect(await count(applicationId, 'approval.requested')).toBe(1);
    expect(await count(applicationId, 'email.sent')).toBe(1);
  });

  it('issue one link, the one emailed, when two attempts open a request at the same moment', async () => {
    const { request } = await newApplication();
    // A retry racing a stalled first attempt: both find no email written yet.
    await Promise.all([createActivities(h.deps).openApprovalRequest(request), createActivities(h.deps).openApprovalRequest(request)]);
    const [mail] = await h.mailbox.waitFor(request.partyEmail, 1);
    const tokenId = linkIn(mail!).split('/approvals/')[1]!.split('.')[0]!;
    expect(await h.db.approvalToken.findMany({ where: { approvalRequestId: request.requestId }, select: { id: true, revokedAt: true } })).toEqual([{ id: tokenId, revokedAt: null }]);
  });

  it('keep a failed delivery as retrying with its next attempt, then send the very same message once', async () => {
    const { applicationId, request } = await newApplication();
    const key = `approval-request:${request.requestId}`;
    await h.pauseWorker(); // its relay would send the message first; here the test's relays do
    try {
      await createActivities(h.deps).openApprovalRequest(request);
      expect(await h.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: key } })).toMatchObject({ status: 'queued', attempts: 0 });

      const refusingMailer = createSmtpMailer(`smtp://127.0.0.1:${await freePort()}`, 'k2flow <tests@k2flow.local>');
      const before = Date.now();
      await runRelayOnce({ mailer: refusingMailer });
      refusingMailer.close();
      const failed = await h.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: key } });
      expect(failed).toMatchObject({ status: 'retrying', attempts: 1 });
      expect(failed.lastError).toMatch(/ECONNREFUSED/);
      expect(failed.nextAttemptAt!.getTime()).toBeGreaterThan(before);

      // Not due yet: a relay looking now leaves it alone.
      await runRelayOnce({});
      expect(await h.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: key } })).toMatchObject({ status: 'retrying', attempts: 1 });
      // Due: a relay whose clock has reached the next attempt sends it, once.
      await runRelayOnce({ clock: () => new Date(failed.nextAttemptAt!.getTime() + 1) });
      await runRelayOnce({ clock: () => new Date(failed.nextAttemptAt!.getTime() + 1) });
      await h.mailbox.waitFor(request.partyEmail, 1);
      expect(h.mailbox.list().filter((m) => m.to.includes(request.partyEmail))).toHaveLength(1);
      const sent = await h.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: key } });
      expect(sent).toMatchObject({ status: 'sent', attempts: 2, lastError: null, nextAttemptAt: null, claimedUntil: null });
      // The retry sent the message composed the first time: its link is the one issued then, still the only one.
      const tokens = await h.db.approvalToken.findMany({ where: { approvalRequestId: request.requestId }, select: { revokedAt: true } });
      expect(tokens).toEqual([{ revokedAt: null }]);
      expect(await count(applicationId, 'email.sent')).toBe(1);
    } finally {
      await h.resumeWorker();
    }
  });

  it('mark a message sent within a second, while another of its claim is still on the wire', async () => {
    const quick = await newApplication();
    const slow = await newApplication();
    await h.pauseWorker(); // its relay would send them first; here the test's relay does
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const mailer: Mailer = {
      compose: (email) => h.deps.mailer.compose(email),
      sendRaw: async (to, raw) => {
        if (to === slow.request.partyEmail) await held; // an exchange that lasts
        return h.deps.mailer.sendRaw(to, raw);
      },
      verify: () => h.deps.mailer.verify(),
      close: () => undefined,
    };
    const status = (r: typeof quick) => h.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: `approval-request:${r.request.requestId}` }, select: { status: true } }).then((m) => m.status);
    try {
      await createActivities(h.deps).openApprovalRequest(quick.request);
      await createActivities(h.deps).openApprovalRequest({ ...slow.request, partyEmail: `slow-${slow.request.partyEmail}` });
      slow.request.partyEmail = `slow-${slow.request.partyEmail}`;
      const relay = startOutboxRelay({ db: h.db, mailer, outboxKey: h.deps.outboxKey, pollMs: 60_000 });
      const drained = relay.drain();
      await vi.waitFor(async () => expect(await status(quick)).toBe('sent'), { timeout: 5_000, interval: 50 });
      expect(await count(quick.applicationId, 'email.sent')).toBe(1);
      expect(await status(slow)).toBe('sending');
      release();
      await drained;
      await relay.stop();
      expect(await status(slow)).toBe('sent');
      expect(await count(slow.applicationId, 'email.sent')).toBe(1);
    } finally {
      release();
      await h.resumeWorker();
    }
  });

  it('leave a message sealed under another secret to a relay that can open it, saying why', async () => {
    const { request } = await newApplication();
    await createActivities(h.deps).openApprovalRequest(request);
    const key = `approval-request:${request.requestId}`;
    await runRelayOnce({ outboxKey: outboxKeyFrom('a worker configured with some other K2FLOW_AUTH_SECRET') });
    const row = await h.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: key } });
    expect(row.status).toBe('retrying');
    expect(row.lastError).toContain('K2FLOW_AUTH_SECRET');
    await h.db.outboxMessage.update({ where: { idempotencyKey: key }, data: { nextAttemptAt: new Date() } });
    await runRelayOnce({});
    expect((await h.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: key } })).status).toBe('sent');
    await h.mailbox.waitFor(request.partyEmail, 1);
  });

  it('fail a message the SMTP server refuses for good, and say so in the audit', async () => {
    const { applicationId, request } = await newApplication();
    const key = `approval-request:${request.requestId}`;
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo: (_address, _session, callback) => callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 })),
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    await h.pauseWorker();
    try {
      await createActivities(h.deps).openApprovalRequest(request);
      const mailer = createSmtpMailer(`smtp://127.0.0.1:${(refusing.server.address() as AddressInfo).port}`, 'k2flow <tests@k2flow.local>');
      await runRelayOnce({ mailer });
      mailer.close();
      const failed = await h.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: key } });
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
      expect(failed.lastError).toMatch(/No such mailbox/);
      expect(await count(applicationId, 'email.failed')).toBe(1);
      expect(await count(applicationId, 'email.sent')).toBe(0);
    } finally {
      await h.resumeWorker();
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });

  it('record no failure for a message another relay took over and sent while this one was refused', async () => {
    const { applicationId, request } = await newApplication();
    const key = `approval-request:${request.requestId}`;
    await h.pauseWorker();
    try {
      await createActivities(h.deps).openApprovalRequest(request);
      // This relay's claim lapses while its SMTP exchange drags on; another relay claims the message
      // and the SMTP server takes it from that one; then this one is refused for good.
      const mailer: Mailer = {
        compose: (email) => h.deps.mailer.compose(email),
        sendRaw: async () => {
          await h.db.outboxMessage.update({ where: { idempotencyKey: key }, data: { status: 'sent', sentAt: new Date(), claimedUntil: null } });
          throw Object.assign(new Error('No such mailbox'), { responseCode: 550 });
        },
        verify: () => h.deps.mailer.verify(),
        close: () => undefined,
      };
      await runRelayOnce({ mailer });
      expect(await h.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: key }, select: { status: true, lastError: true } })).toEqual({ status: 'sent', lastError: null });
      expect(await count(applicationId, 'email.failed')).toBe(0);
    } finally {
      await h.resumeWorker();
    }
  });

  it('record a decision once', async () => {
    const { applicationId, request } = await newApplication();
    const activities = createActivities(h.deps);
    await activities.openApprovalRequest(request);
    const decision = {
      applicationId,
      unitKey: 'unit-1',
      requestId: request.requestId,
      stepId: 'unit-confirmation',
      round: 1,
      decision: 'reject' as const,
      comment: 'No',
      services: null,
      partyEmail: request.partyEmail,
      decidedAt: new Date().toISOString(),
      late: false,
    };
    await activities.recordDecision(decision);
    await activities.recordDecision(decision);
    expect(await count(applicationId, 'approval.decided')).toBe(1);
    expect(await h.db.approvalRequest.findUniqueOrThrow({ where: { id: request.requestId }, select: { status: true } })).toEqual({ status: 'rejected' });
  });
});

/** A decision on `request` as the workflow hands it to recordDecision. */
const decisionOn = (applicationId: string, request: OpenApprovalRequestInput, decision: 'approve' | 'reject' = 'approve') => ({
  applicationId,
  unitKey: request.unitKey,
  requestId: request.requestId,
  stepId: request.stepId,
  round: request.round,
  decision,
  comment: decision === 'reject' ? 'No' : null,
  services: null,
  partyEmail: request.partyEmail,
  decidedAt: new Date().toISOString(),
  late: false,
});

const auditOf = (applicationId: string) =>
  h.db.auditEvent.findMany({ where: { applicationId, type: { startsWith: 'approval.' } }, select: { type: true, data: true }, orderBy: { occurredAt: 'asc' } });
const statusOf = async (requestId: string) => (await h.db.approvalRequest.findUniqueOrThrow({ where: { id: requestId }, select: { status: true } })).status;

describe('guarded updates that match nothing', () => {
  it('record no decision for a request closed before the decision was written', async () => {
    const { applicationId, request } = await newApplication();
    const activities = createActivities(h.deps);
    await activities.openApprovalRequest(request);
    await activities.closeApprovalRequests({ applicationId, requestIds: [request.requestId], status: 'expired', reason: 'Its deadline passed.' });
    await activities.recordDecision(decisionOn(applicationId, request));
    await activities.recordDecision(decisionOn(applicationId, request));
    expect(await statusOf(request.requestId)).toBe('expired');
    expect((await auditOf(applicationId)).map((e) => e.type)).toEqual(['approval.requested', 'approval.closed']);
  });

  it('record no closing of a request decided first, and tell its party nothing', async () => {
    const { applicationId, request } = await newApplication();
    const activities = createActivities(h.deps);
    await activities.openApprovalRequest(request);
    await activities.recordDecision(decisionOn(applicationId, request, 'reject'));
    await activities.closeApprovalRequests({ applicationId, requestIds: [request.requestId], status: 'closed', reason: 'The step was decided without this request.' });
    await activities.withdrawApplication({ applicationId, reason: 'Changed our minds' });
    await activities.withdrawApplication({ applicationId, reason: 'Changed our minds' });
    expect(await statusOf(request.requestId)).toBe('rejected');
    expect((await auditOf(applicationId)).map((e) => e.type)).toEqual(['approval.requested', 'approval.decided']);
    expect(await count(applicationId, 'application.withdrawn')).toBe(1);
    expect(await h.db.outboxMessage.count({ where: { idempotencyKey: `request-closed:${request.requestId}` } })).toBe(0);
  });

  it('record a deadline extension only for the requests whose deadline moved', async () => {
    const { applicationId, request } = await newApplication();
    const other = { ...request, requestId: `${request.requestId}:other`, partyEmail: `other-${randomUUID()}@school.example.pl` };
    const activities = createActivities(h.deps);
    await activities.openApprovalRequest(request);
    await activities.openApprovalRequest(other);
    await activities.recordDecision(decisionOn(applicationId, request));
    const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const extension = { applicationId, requestIds: [request.requestId, other.requestId], previous: request.deadline, deadline };
    await activities.recordDeadlineExtended(extension);
    await activities.recordDeadlineExtended(extension);
    const events = await h.db.auditEvent.findMany({ where: { applicationId, type: 'deadline.extended' }, select: { data: true } });
    expect(events).toEqual([{ data: { requestIds: [other.requestId], previous: request.deadline, deadline } }]);
    const deadlines = await h.db.approvalRequest.findMany({ where: { applicationId }, select: { id: true, deadline: true } });
    expect(deadlines.find((r) => r.id === other.requestId)!.deadline.toISOString()).toBe(deadline);
    expect(deadlines.find((r) => r.id === request.requestId)!.deadline.toISOString()).toBe(new Date(request.deadline).toISOString());
  });

  it('close an application once: a retry neither moves its closing time nor records it again', async () => {
    const { applicationId } = await newApplication();
    const activities = createActivities(h.deps);
    await activities.closeApplication({ applicationId, status: 'rejected', units: [] });
    const first = await h.db.application.findUniqueOrThrow({ where: { id: applicationId }, select: { closedAt: true } });
    await new Promise((r) => setTimeout(r, 20));
    await activities.closeApplication({ applicationId, status: 'rejected', units: [] });
    expect(await h.db.application.findUniqueOrThrow({ where: { id: applicationId }, select: { closedAt: true } })).toEqual(first);
    expect(await count(applicationId, 'application.closed')).toBe(1);
  });

  it('tell the parties of closed requests once, however often the withdrawal is retried', async () => {
    const { applicationId, request } = await newApplication();
    await createActivities(h.deps).openApprovalRequest(request);
    await h.mailbox.waitFor(request.partyEmail, 1);
    await createActivities(h.deps).withdrawApplication({ applicationId, reason: 'Cancelled call' });
    await createActivities(h.deps).withdrawApplication({ applicationId, reason: 'Cancelled call' });
    expect(await statusOf(request.requestId)).toBe('withdrawn');
    const mails = await h.mailbox.waitFor(request.partyEmail, 2);
    expect(mails[1]!.subject).toMatch(/^No longer needed/);
    expect(await h.db.outboxMessage.count({ where: { applicationId, template: 'request-closed' } })).toBe(1);
    expect(await count(applicationId, 'approval.closed')).toBe(1);
    expect(await count(applicationId, 'application.withdrawn')).toBe(1);
  });
});

/**
 * Runs `first` and then `second` while a row lock on the request holds both back, so each reaches
 * its guarded UPDATE before either may write; then lets them go, in that order.
 */
async function raceOn(requestId: string, first: () => Promise<unknown>, second: () => Promise<unknown>) {
  const running: Promise<unknown>[] = [];
  await h.db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT id FROM "ApprovalRequest" WHERE id = ${requestId} FOR UPDATE`;
      const [{ pid }] = await tx.$queryRaw<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`;
      // Sessions waiting on this one, directly or behind another waiter.
      const waiting = async () =>
        (
          await h.db.$queryRaw<[{ n: number }]>`
            WITH RECURSIVE blocked(pid) AS (
              SELECT a.pid FROM pg_stat_activity a WHERE ${pid}::int = ANY(pg_blocking_pids(a.pid))
              UNION SELECT a.pid FROM pg_stat_activity a JOIN blocked b ON b.pid = ANY(pg_blocking_pids(a.pid))
            ) SELECT count(*)::int AS n FROM blocked`
        )[0].n;
      for (const [n, run] of [first, second].entries()) {
        running.push(run().catch((error: unknown) => error));
        await vi.waitFor(async () => expect(await waiting()).toBe(n + 1), { timeout: 10_000, interval: 20 });
      }
    },
    { timeout: 30_000 },
  );
  return Promise.all(running);
}

describe('a decision racing a withdrawal that closes its request', () => {
  for (const winner of ['decision', 'withdrawal'] as const) {
    it(`leaves the request either decided or closed, with exactly the matching record (${winner} first)`, async () => {
      const { applicationId, request } = await newApplication();
      const activities = createActivities(h.deps);
      await activities.openApprovalRequest(request);
      const decide = () => activities.recordDecision(decisionOn(applicationId, request));
      const withdraw = () => activities.withdrawApplication({ applicationId, reason: 'Cancelled call' });
      const outcomes = await raceOn(request.requestId, winner === 'decision' ? decide : withdraw, winner === 'decision' ? withdraw : decide);
      expect(outcomes).toEqual([undefined, undefined]);

      const status = await statusOf(request.requestId);
      const types = (await auditOf(applicationId)).map((e) => e.type);
      expect(status).toBe(winner === 'decision' ? 'approved' : 'withdrawn');
      expect(types).toEqual(['approval.requested', status === 'approved' ? 'approval.decided' : 'approval.closed']);
      expect(await h.db.outboxMessage.count({ where: { idempotencyKey: `request-closed:${request.requestId}` } })).toBe(status === 'approved' ? 0 : 1);
    });
  }
});

describe("a transition's decisions, written before its transaction", () => {
  const transitionOf = (applicationId: string, request: OpenApprovalRequestInput) => {
    const party = { role: request.partyRole, name: request.partyName, language: request.partyLanguage, ask: request.ask, applicationTitle: request.applicationTitle, concerning: request.unitName ?? request.applicationTitle };
    return { applicationId, unitKey: request.unitKey, decisions: [{ ...decisionOn(applicationId, request), party }], close: null, statuses: [], changesRequested: null, open: [] };
  };
  const openedRequest = async () => {
    const { applicationId, request } = await newApplication();
    const activities = createActivities(h.deps);
    await activities.openApprovalRequest(request);
    return { applicationId, request, activities };
  };
  const receipts = (request: OpenApprovalRequestInput) => h.db.outboxMessage.count({ where: { idempotencyKey: `decision-recorded:${request.requestId}` } });

  const cases = [
    { title: 'record a decision written first by the server once, with one receipt, however often the transition is retried', firstWrite: 'written', status: 'approved', recorded: 1 },
    { title: 'record a decision written first by nobody once, with one receipt, however often the transition is retried', status: 'approved', recorded: 1 },
    { title: 'write nothing and send no receipt for a request closed first, and tell it from a decided one', closeFirst: true, firstWrite: 'closed', status: 'expired', recorded: 0 },
  ] as const satisfies ReadonlyArray<{ title: string; closeFirst?: boolean; firstWrite?: 'written' | 'closed'; status: string; recorded: number }>;
  for (const c of cases) {
    it(c.title, async () => {
      const { applicationId, request, activities } = await openedRequest();
      if ('closeFirst' in c) await activities.closeApprovalRequests({ applicationId, requestIds: [request.requestId], status: 'expired', reason: 'Its deadline passed.' });
      const transition = transitionOf(applicationId, request);
      if ('firstWrite' in c) expect(await writeDecisionAtOnce(h.db, transition.decisions[0]!, request.partyRole)).toBe(c.firstWrite);
      await activities.applyTransition(transition);
      await activities.applyTransition(transition);
      expect(await statusOf(request.requestId)).toBe(c.status);
      expect(await count(applicationId, 'approval.decided')).toBe(c.recorded);
      expect(await receipts(request)).toBe(c.recorded);
    });
  }

  it('wait behind another writer holding the request, then record the decision once, with one receipt, when two attempts race', async () => {
    const { applicationId, request, activities } = await openedRequest();
    const attempt = () => activities.applyTransition(transitionOf(applicationId, request));
    expect(await raceOn(request.requestId, attempt, attempt)).toEqual([undefined, undefined]);
    expect(await statusOf(request.requestId)).toBe('approved');
    expect(await count(applicationId, 'approval.decided')).toBe(1);
    expect(await receipts(request)).toBe(1);
  });
});

describe('activities that cannot succeed', () => {
  it('fail at once, non-retryable and typed, when the row they need is not there', async () => {
    const missing = `app-${randomUUID()}`;
    const attempt = createActivities(h.deps).recordProceededWithoutMissing({ applicationId: missing, stepId: 'board-approval', unitKey: null, deadline: new Date().toISOString(), missing: [] });
    await expect(attempt).rejects.toMatchObject({ name: 'ApplicationFailure', type: 'RecordNotFound', nonRetryable: true });
    expect(await h.db.auditEvent.count({ where: { applicationId: missing } })).toBe(0);
  });
});
