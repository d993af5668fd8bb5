import protos from '@temporalio/proto';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { issueApprovalLink } from '../../activities/approval-link';
import { appendUnchained, sealTrail } from '../../activities/audit';
import { writeDecisionAtOnce } from '../../activities/record-decision';
import { verifyChain, type ChainedRecord } from '../../domain/audit-chain';
import { decideUpdate, unitStateQuery } from '../../workflows/messages';
import { apiOf, linkIn } from '../support/api';
import { makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

/** Starts a one-unit application and returns its id and the approver's link. */
async function oneUnitApplication(options: Parameters<typeof makeInput>[0] = {}) {
  const input = makeInput({ units: 1, ...options });
  const id = await api.startOk(input);
  return { id, input, link: await api.linkFor(input.units[0]!.approver.email) };
}

const { EventType } = protos.temporal.api.enums.v1;
const historyOf = async (workflowId: string) => (await h.temporal.workflow.getHandle(workflowId).fetchHistory()).events!;
/** History length once the workflow is parked on the request's deadline timer, waiting for a decision. */
const settledHistoryLength = async (workflowId: string) =>
  vi.waitFor(async () => {
    const events = await historyOf(workflowId);
    expect(events.some((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED)).toBe(true);
    return events.length;
  });
/** The status of the application's first request (later steps add theirs; a row's place on disk is no order). */
const requestStatus = async (id: string) =>
  (await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id }, select: { status: true }, orderBy: { createdAt: 'asc' } })).status;

/** A link's parts: where it points, its public id and its secret; and the link with the secret's last character changed. */
function partsOf(link: string) {
  const [base, token] = link.split('/approvals/');
  const [tokenId, secret] = token!.split('.') as [string, string];
  return { base: base!, tokenId, secret, tampered: `${base}/approvals/${tokenId}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}` };
}
const linkEvents = (applicationId: string, type: 'link.opened' | 'link.refused') =>
  h.db.auditEvent.findMany({ where: { applicationId, type }, select: { actor: true, data: true }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });
const theRequest = (applicationId: string) =>
  h.db.approvalRequest.findFirstOrThrow({ where: { applicationId }, orderBy: { createdAt: 'asc' }, select: { id: true, workflowId: true, partyRole: true, partyEmail: true, deadline: true, acceptsLate: true } });
const openAs = (link: string, userAgent: string, method: 'GET' | 'HEAD' = 'GET') => fetch(link, { method, headers: { 'user-agent': userAgent } }).then((res) => res.status);

describe('approval links', () => {
  it('carry a random 256-bit secret, are stored only as a hash and are built from PUBLIC_URL, not the Host header', async () => {
    const input = makeInput({ units: 1 });
    const res = await fetch(new URL('/api/applications', h.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', host: 'attacker.example', authorization: `Bearer ${h.people.coordinator.key}` },
      body: JSON.stringify(input),
    });
    expect(res.status).toBe(201);
    const link = await api.linkFor(input.units[0]!.approver.email);
    expect(link.startsWith(`${h.baseUrl}/approvals/`)).toBe(true);
    const [tokenId, secret] = link.split('/approvals/')[1]!.split('.');
    expect(Buffer.from(secret!, 'base64url')).toHaveLength(32);
    const row = await h.db.approvalToken.findUniqueOrThrow({ where: { id: tokenId! } });
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('show what is asked on GET and HEAD without changing anything', async () => {
    const { id, link } = await oneUnitApplication();
    const unitWorkflow = `${id}:modules:unit-1`;
    const before = await settledHistoryLength(unitWorkflow);
    const page = await api.open(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain('RPSL.11.02.01-24-0001/16');
    expect(page.html).toContain('<button type="submit" name="decision" value="approve">');
    expect(page.html).not.toMatch(/<script|onload|\.submit\(/i);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect((await api.open(link, 'HEAD')).status).toBe(200);
    await api.open(link);
    expect(await requestStatus(id)).toBe('pending');
    expect((await historyOf(unitWorkflow)).length).toBe(before);
  });

  it('answer a second submission with the decision already recorded', async () => {
    const { id, link } = await oneUnitApplication();
    expect((await api.decide(link, 'reject', 'Not this year')).status).toBe(200);
    const again = await api.decide(link, 'approve');
    expect(again.status).toBe(409);
    expect(again.html).toContain('Decision already recorded');
    expect(again.html).toContain('Rejected');
    expect(await requestStatus(id)).toBe('rejected');
  });

  it('record exactly one decision when 20 submissions race, and show it to the other 19 (409, never 410)', async () => {
    const { id, link } = await oneUnitApplication();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? api.decide(link, 'approve') : api.decide(link, 'reject', `Conflicting click ${i}`))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).map((a) => a.html.includes('Decision already recorded'))).toEqual(Array(19).fill(true));
    const decided = await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'approval.decided' } });
    expect(decided).toHaveLength(1);
    const unit = await h.temporal.workflow.getHandle(`${id}:modules:unit-1`).query(unitStateQuery);
    expect(unit.history[0]!.parties.filter((p) => p.decidedAt)).toHaveLength(1);
  });

  it("keep showing a decided request's decision through its own link for a week past the link's expiry", async () => {
    const { link } = await oneUnitApplication();
    expect((await api.decide(link, 'approve')).status).toBe(200);
    const { tokenId } = partsOf(link);
    const expireAgo = (ms: number) => h.db.approvalToken.update({ where: { id: tokenId }, data: { expiresAt: new Date(Date.now() - ms) } });
    // A click repeated after the deadline (an outage page said to try again) finds the decision it made.
    await expireAgo(60_000);
    const again = await api.decide(link, 'approve');
    expect(again.status).toBe(409);
    expect(again.html).toContain('Decision already recorded');
    expect((await api.open(link)).status).toBe(200);
    await expireAgo(8 * 24 * 3_600_000);
    expect((await api.open(link)).status).toBe(410);
  });

  it('refuse a reject or request-changes without a comment, keeping the form', async () => {
    const { id, link } = await oneUnitApplication();
    const answer = await api.decide(link, 'request-changes', '   ');
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('A comment is required');
    expect(answer.html).toMatch(/<form method="post" action="\/approvals\/[^"]+\?lang=en">/);
    expect((await api.decide(link, 'maybe', 'x')).status).toBe(400);
    // A scanner that submits the form by itself sends no button value, so it decides nothing.
    const autoSubmitted = await fetch(link, { method: 'POST', body: new URLSearchParams({ comment: '' }) });
    expect(autoSubmitted.status).toBe(400);
    expect(await requestStatus(id)).toBe('pending');
  });

  it('answer a tampered secret with 403, an unknown or malformed token with 404', async () => {
    const { id, link } = await oneUnitApplication();
    const [base, token] = link.split('/approvals/');
    const [tokenId, secret] = token!.split('.');
    const flipped = `${secret!.slice(0, -1)}${secret!.endsWith('A') ? 'B' : 'A'}`;
    expect((await api.open(`${base}/approvals/${tokenId}.${flipped}`)).status).toBe(403);
    expect((await api.decide(`${base}/approvals/${tokenId}.${flipped}`, 'approve')).status).toBe(403);
    const unknownId = `${tokenId!.slice(0, -1)}${tokenId!.endsWith('A') ? 'B' : 'A'}`;
    expect((await api.open(`${base}/approvals/${unknownId}.${secret}`)).status).toBe(404);
    expect((await api.open(`${base}/approvals/not-a-token`)).status).toBe(404);
    expect(await requestStatus(id)).toBe('pending');
  });

  it('answer a link past its deadline with 410 Gone, while the coordinator decides what to do, and audit each refusal', async () => {
    const { id, input } = await oneUnitApplication({ confirmWithinSeconds: 2 });
    await h.mailbox.waitFor(input.coordinator.email, 1, 20_000); // the escalation
    // A reminder before the deadline may have replaced the first link: take the newest one sent.
    const link = linkIn(h.mailbox.list().find((m) => m.to.includes(input.units[0]!.approver.email) && m.text.includes('/approvals/'))!);
    const page = await api.open(link);
    expect(page.status).toBe(410);
    expect((await api.decide(link, 'approve')).status).toBe(410);
    const withdrawn = await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    const closed = await api.open(link);
    expect(closed.status).toBe(410);
    expect(closed.html).toContain('The application was withdrawn');

    const request = await theRequest(id);
    const refused = (attempt: string, reason: string, more = {}) => ({
      actor: `${request.partyRole}:${request.partyEmail}`,
      data: { requestId: request.id, tokenId: partsOf(link).tokenId, attempt, reason, ...more, address: '127.0.0.1', userAgent: expect.any(String) },
    });
    expect(await linkEvents(id, 'link.refused')).toEqual([
      refused('open', 'link-expired'),
      refused('decide', 'link-expired'),
      refused('open', 'request-closed', { requestStatus: 'withdrawn' }),
    ]);
    expect(await linkEvents(id, 'link.opened')).toEqual([]);
  });

  it('audit an open as one link.opened per client within a minute, HEAD never, and change nothing about the request', async () => {
    const { id, link } = await oneUnitApplication();
    const request = await theRequest(id);
    const scanner = `Mozilla/5.0 (compatible; MailScanner/1.0) ${'x'.repeat(400)}`;
    expect(await openAs(link, scanner)).toBe(200);
    expect(await Promise.all(Array.from({ length: 5 }, () => openAs(link, scanner)))).toEqual(Array(5).fill(200));
    expect(await openAs(link, 'LinkChecker/2.0', 'HEAD')).toBe(200);
    const opened = { requestId: request.id, tokenId: partsOf(link).tokenId, address: '127.0.0.1' };
    expect(await linkEvents(id, 'link.opened')).toEqual([{ actor: `${request.partyRole}:${request.partyEmail}`, data: { ...opened, userAgent: scanner.slice(0, 200) } }]);

    // The party opening it after the scanner is another client: recorded too, once.
    expect(await openAs(link, 'Firefox/140.0')).toBe(200);
    expect(await openAs(link, 'Firefox/140.0')).toBe(200);
    expect((await linkEvents(id, 'link.opened')).map((e) => e.data)).toEqual([
      { ...opened, userAgent: scanner.slice(0, 200) },
      { ...opened, userAgent: 'Firefox/140.0' },
    ]);
    expect(await requestStatus(id)).toBe('pending');
  });

  it('audit a tampered secret and a replaced link as refused, with the reason, and a made-up id nowhere', async () => {
    const { id, link } = await oneUnitApplication();
    const request = await theRequest(id);
    const { base, tokenId, secret, tampered } = partsOf(link);
    const refusedBefore = await h.db.auditEvent.count({ where: { type: 'link.refused' } });
    const unknownId = `${tokenId.slice(0, -1)}${tokenId.endsWith('A') ? 'B' : 'A'}`;
    expect((await api.open(`${base}/approvals/${unknownId}.${secret}`)).status).toBe(404);
    expect((await api.open(`${base}/approvals/not-a-token`)).status).toBe(404);
    expect(await h.db.auditEvent.count({ where: { type: 'link.refused' } })).toBe(refusedBefore);

    expect(await openAs(tampered, 'Guesser/1.0')).toBe(403);
    expect((await api.decide(tampered, 'approve')).status).toBe(403);
    const fresh = await issueApprovalLink(h.db, h.deps, { id: request.id, partyEmail: request.partyEmail, deadline: request.deadline, acceptsLate: request.acceptsLate });
    expect(await openAs(link, 'Firefox/140.0')).toBe(410);
    expect(await openAs(fresh, 'Firefox/140.0')).toBe(200);

    const about = { requestId: request.id, tokenId, address: '127.0.0.1' };
    expect(await linkEvents(id, 'link.refused')).toEqual([
      // Whoever sent a wrong secret did not hold the link: not recorded as its party.
      { actor: 'anonymous', data: { ...about, attempt: 'open', reason: 'secret-mismatch', userAgent: 'Guesser/1.0' } },
      { actor: 'anonymous', data: { ...about, attempt: 'decide', reason: 'secret-mismatch', userAgent: expect.any(String) } },
      { actor: `${request.partyRole}:${request.partyEmail}`, data: { ...about, attempt: 'open', reason: 'link-replaced', userAgent: 'Firefox/140.0' } },
    ]);
    expect(await linkEvents(id, 'link.opened')).toEqual([
      { actor: `${request.partyRole}:${request.partyEmail}`, data: { ...about, tokenId: partsOf(fresh).tokenId, userAgent: 'Firefox/140.0' } },
    ]);
    expect(await requestStatus(id)).toBe('pending');

    // Neither secret, sent or tampered, is stored or logged; the public id only in the trail.
    const trail = JSON.stringify(await h.db.auditEvent.findMany({ where: { applicationId: id } }));
    const log = h.logLines.join('\n');
    for (const s of [secret, partsOf(tampered).secret, partsOf(fresh).secret]) {
      expect(trail).not.toContain(s);
      expect(log).not.toContain(s);
    }
    expect(log).not.toContain(tokenId);
  });

  it('show the page when its open cannot be recorded, logging that without the link', async () => {
    const { id, link } = await oneUnitApplication();
    const { tokenId, secret, tampered } = partsOf(link);
    // Refuses this application's link records only, so nothing else in the run is touched.
    const name = `refuse_link_audit_${id.replace(/\W/g, '_')}`;
    await h.db.$executeRawUnsafe(
      `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW."applicationId" = '${id}' AND NEW.type LIKE 'link.%' THEN RAISE EXCEPTION 'audit writes refused by the test'; END IF; RETURN NEW; END $$`,
    );
    await h.db.$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION ${name}()`);
    try {
      const page = await api.open(link);
      expect(page.status).toBe(200);
      expect(page.html).toContain('<button type="submit" name="decision" value="approve">');
      expect((await api.open(tampered)).status).toBe(403);
    } finally {
      await h.db.$executeRawUnsafe(`DROP TRIGGER ${name} ON "AuditEvent"`);
      await h.db.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
    }
    const failures = h.logEntries().filter((e) => e.msg.startsWith('could not record link.'));
    expect(failures.some((e) => e.msg === 'could not record link.opened' && e.applicationId === id && String(e.reason).includes('audit writes refused by the test'))).toBe(true);
    expect(failures.some((e) => e.msg === 'could not record link.refused' && e.level === 'warn')).toBe(true);
    const log = h.logLines.join('\n');
    expect(log).not.toContain(secret);
    expect(log).not.toContain(tokenId);
    expect(await h.db.auditEvent.count({ where: { applicationId: id, type: { startsWith: 'link.' } } })).toBe(0);
  });

  it('judge lateness by when the server received the decision, not by when a busy worker got to it', async () => {
    const { id, link, input } = await oneUnitApplication({ confirmWithinSeconds: 4 });
    const deadline = Date.parse(input.deadlines.unitConfirmation);
    await settledHistoryLength(`${id}:modules:unit-1`);
    await h.pauseWorker();
    let answer: Promise<{ status: number; html: string }>;
    try {
      answer = api.decide(link, 'approve'); // received before the deadline, with no worker to handle it yet
      await expect.poll(() => Date.now() > deadline + 500, { timeout: 10_000, interval: 100 }).toBe(true);
    } finally {
      await h.resumeWorker();
    }
    expect((await answer).status).toBe(200);
    const request = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id }, orderBy: { createdAt: 'asc' }, select: { status: true, late: true, decidedAt: true } });
    expect(request).toMatchObject({ status: 'approved', late: false });
    expect(request.decidedAt!.getTime()).toBeLessThan(deadline);
  });

  it('answer 503, never 500, when Temporal refuses more updates in flight on one workflow, and record one decision when the link is used again', async () => {
    const { id, link } = await oneUnitApplication();
    await settledHistoryLength(`${id}:modules:unit-1`);
    await h.pauseWorker();
    let answers: Array<{ status: number; html: string }>;
    try {
      // With no worker to take them, Temporal holds 10 updates in flight on a workflow and refuses the
      // rest (RESOURCE_EXHAUSTED, which the client retries); none is accepted within the server's 8 s.
      // Such a call ends DEADLINE_EXCEEDED or, as often, CANCELLED: both once answered 500.
      answers = await Promise.all(Array.from({ length: 12 }, () => api.decide(link, 'approve')));
    } finally {
      await h.resumeWorker();
    }
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(503));
    for (const a of answers) expect(a.html).toContain('could not be confirmed');
    expect(h.logLines.filter((l) => l.includes('"msg":"request failed"'))).toEqual([]);
    // The page says to use the link again: that decides, or finds a held update decided first.
    const again = await api.decide(link, 'approve');
    expect([200, 202, 409]).toContain(again.status);
    await expect.poll(() => requestStatus(id), { timeout: 20_000 }).toBe('approved');
    expect((await api.decide(link, 'approve')).status).toBe(409);
    expect(await h.db.auditEvent.count({ where: { applicationId: id, type: 'approval.decided' } })).toBe(1);
  });

  it('answer within seconds that a decision is being recorded while its writing is held up, keep the link safe to click again, and record it once', async () => {
    const { id, link } = await oneUnitApplication();
    // Another session holds the request's row, as a stuck transaction or a dying worker would hold up the write.
    const blocker = new pg.Client({ connectionString: h.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM "ApprovalRequest" WHERE "applicationId" = $1 FOR UPDATE', [id]);
      const first = await api.decide(link, 'approve');
      expect(first.status).toBe(202);
      expect(first.html).toContain('Your decision is being recorded');
      expect(first.html).toContain('never records the decision twice');
      const again = await api.decide(link, 'approve');
      expect(again.status).toBe(202);
      expect(await requestStatus(id)).toBe('pending');
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    await expect.poll(() => requestStatus(id), { timeout: 20_000 }).toBe('approved');
    const later = await api.decide(link, 'reject', 'Changed my mind');
    expect(later.status).toBe(409);
    expect(await h.db.auditEvent.count({ where: { applicationId: id, type: 'approval.decided' } })).toBe(1);
    // The worker's transition waited for the held row, as long as it was held, rather than fail and be retried.
    const unit = h.temporal.workflow.getHandle((await theRequest(id)).workflowId);
    const history = async () => (await unit.fetchHistory()).events ?? [];
    // The step's opening, then the transition that recorded the decision.
    await expect.poll(async () => (await history()).filter((e) => e.activityTaskCompletedEventAttributes).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const attempts = (await history()).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : []));
    expect(attempts.every((attempt) => attempt === 1)).toBe(true);
  });

  it('have the workflow record a decision it answered when nobody else wrote it, with its receipt', async () => {
    const { id, input } = await oneUnitApplication();
    const request = await theRequest(id);
    // As if the server died the moment the workflow answered: only the workflow can record it now.
    const answered = await h.temporal.workflow.getHandle(request.workflowId).executeUpdate(decideUpdate, { args: [{ requestId: request.id, decision: 'approve' }] });
    expect(answered).toMatchObject({ requestId: request.id, decision: 'approve' });
    await expect.poll(() => requestStatus(id), { timeout: 20_000 }).toBe('approved');
    expect(await h.db.auditEvent.count({ where: { applicationId: id, type: 'approval.decided' } })).toBe(1);
    await h.mailbox.waitFor(input.units[0]!.approver.email, 2); // the invitation, then the receipt
  });

  it("have the server write a decision and its audit record in one statement, never twice, and not through another's lock; the trail chains it", async () => {
    const { id } = await oneUnitApplication();
    const request = await theRequest(id);
    const decision = { applicationId: id, unitKey: 'unit-1', requestId: request.id, stepId: 'unit-confirmation', round: 1, decision: 'approve' as const, comment: 'Zgoda', services: null, partyEmail: request.partyEmail, decidedAt: new Date().toISOString(), late: false };
    const holder = new pg.Client({ connectionString: h.databaseUrl });
    await holder.connect();
    try {
      // Held by another transaction (the worker writing it, a withdrawal closing it): not waited for here.
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "ApprovalRequest" WHERE "id" = $1 FOR UPDATE', [request.id]);
      expect(await writeDecisionAtOnce(h.db, decision, request.partyRole)).toBe('locked');
      await holder.query('ROLLBACK');
      expect(await requestStatus(id)).toBe('pending');

      expect(await writeDecisionAtOnce(h.db, decision, request.partyRole)).toBe('written');
      expect(await writeDecisionAtOnce(h.db, decision, request.partyRole)).toBe('decided');
      const row = await h.db.approvalRequest.findUniqueOrThrow({ where: { id: request.id }, select: { status: true, comment: true, decidedAt: true } });
      expect(row).toEqual({ status: 'approved', comment: 'Zgoda', decidedAt: new Date(decision.decidedAt) });
      const records = await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'approval.decided' } });
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ actor: `${request.partyRole}:${request.partyEmail}`, occurredAt: new Date(decision.decidedAt), data: { requestId: request.id, decision: 'approve', comment: 'Zgoda' } });

      // Another record written outside the chain after it, of a moment before it: chained in the order they happened.
      await appendUnchained(h.db, [{ idempotencyKey: `earlier:${id}`, applicationId: id, type: 'test.earlier', actor: 'system', data: {}, occurredAt: new Date(Date.parse(decision.decidedAt) - 1000) }]);
      await sealTrail(h.db, id);
      const trail = await h.db.auditEvent.findMany({ where: { applicationId: id }, orderBy: { seq: 'asc' } });
      expect(trail.every((r) => r.seq !== null)).toBe(true);
      expect(trail.filter((r) => r.type === 'test.earlier' || r.type === 'approval.decided').map((r) => r.type)).toEqual(['test.earlier', 'approval.decided']);
      expect(verifyChain(trail.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() }) as ChainedRecord))).toMatchObject({ intact: true, length: trail.length });
    } finally {
      await holder.end();
    }
  });

  it('never write a token into the server log, nor its secret into the audit trail', async () => {
    const { id, link } = await oneUnitApplication();
    await api.open(link);
    await api.decide(link, 'approve');
    const token = link.split('/approvals/')[1]!;
    const [tokenId, secret] = token.split('.');
    const log = h.logLines.join('\n');
    expect(log).toContain('POST /approvals/:token 200');
    expect(log).not.toContain(secret!);
    expect(log).not.toContain(tokenId!);
    expect(JSON.stringify(await h.db.auditEvent.findMany({ where: { applicationId: id } }))).not.toContain(secret!);
  });
});
