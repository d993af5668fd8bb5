import { describe, expect, it, vi } from 'vitest';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

describe('POST /api/applications', () => {
  it('answers bad input with 400 naming each wrong field, and starts nothing', async () => {
    const input = makeInput({ units: 2 });
    const bad = {
      ...input,
      title: '',
      coordinator: { name: 'C', email: 'not-an-email' },
      units: [input.units[0], { ...input.units[1], key: input.units[0]!.key }],
    };
    const before = await h.db.application.count();
    const { status, body } = await api.start(bad);
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION');
    expect(body.error.problems.map((p: { path: string }) => p.path)).toEqual(['title', 'coordinator.email', 'units.1.key']);
    expect(await h.db.application.count()).toBe(before);
  });

  it('answers a deadline in the past, an unknown variant and unknown fields with 400', async () => {
    const past = { ...makeInput(), deadlines: { unitConfirmation: '2020-01-01T10:00:00Z', coordinatorReview: '2020-01-02T10:00:00Z' } };
    expect((await api.start(past)).body.error.problems).toContainEqual({ path: 'deadlines.unitConfirmation', message: 'must be in the future' });
    expect((await api.start({ ...makeInput(), variant: 'grant' })).body.error.problems[0].path).toBe('variant');
    expect((await api.start({ ...makeInput(), budget: 1 })).status).toBe(400);
  });

  it('answers a body that is not JSON with 400, and another media type with 415, each with a sentence', async () => {
    const authorization = `Bearer ${h.people.coordinator.key}`;
    const notJson = await fetch(new URL('/api/applications', h.baseUrl), { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: '{"variant":' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.message).toMatch(/not valid JSON/);
    const wrongType = await fetch(new URL('/api/applications', h.baseUrl), { method: 'POST', headers: { 'content-type': 'text/plain', authorization }, body: 'hello' });
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as any).error.message).toMatch(/Content-Type: application\/json/);
  });

  it('starts one application per Idempotency-Key however often the request is retried', async () => {
    const input = makeInput({ units: 1 });
    const key = `retry-${input.title}`;
    const first = await api.start(input, { 'idempotency-key': key });
    const second = await api.start(input, { 'idempotency-key': key });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
    await h.mailbox.waitFor(input.units[0]!.approver.email);
    expect(await h.db.application.count({ where: { title: input.title } })).toBe(1);

    // The same key with another application's details is refused, not answered with the first.
    const changed = await api.start({ ...input, title: `${input.title} (zmieniony)` }, { 'idempotency-key': key });
    expect(changed.status).toBe(422);
    expect(changed.body.error).toMatchObject({ code: 'IDEMPOTENCY_MISMATCH', message: expect.stringMatching(/different request/) });
    expect(await h.db.application.count({ where: { title: `${input.title} (zmieniony)` } })).toBe(0);

    // The key is the caller's: another office's coordinator using the same key starts their own.
    const theirs = { ...makeInput({ units: 1 }), title: `${input.title} (inne biuro)` };
    const other = await api.as('otherCoordinator').start(theirs, { 'idempotency-key': key });
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
    await api.as('otherCoordinator').postJson(`/api/applications/${other.body.id}/withdraw`, { reason: 'Test over' });
  });
});

describe('GET /api/applications/:id', () => {
  it('combines the workflow state with the database record', async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[1]!.approver.email);
    const { status, body } = await api.getJson(`/api/applications/${id}`);
    expect(status).toBe(200);
    expect(body.workflow.status).toBe('RUNNING');
    expect(body.state.status).toBe('collecting-sign-offs');
    expect(body.state.waitingFor).toHaveLength(2);
    expect(body.record.units.map((u: { unitKey: string }) => u.unitKey)).toEqual(['unit-1', 'unit-2']);
    expect(body.record.requests).toHaveLength(2);
  });

  it("keeps a finished unit's steps and decisions in the state once its branch has ended", async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(input.units[1]!.approver.email), 'reject', 'Not this year');
    const unitTwo = async () => (await api.getJson(`/api/applications/${id}`)).body.state.units.find((u: { unitKey: string }) => u.unitKey === 'unit-2');
    await vi.waitFor(async () => expect((await unitTwo()).status).toBe('rejected'), { timeout: 20_000, interval: 100 });
    const unit = await unitTwo();
    expect(unit.history).toHaveLength(1);
    expect(unit.history[0]).toMatchObject({ stepId: 'unit-confirmation', status: 'rejected' });
    expect(unit.history[0].parties[0]).toMatchObject({ status: 'rejected', comment: 'Not this year' });
  });

  it('answers from the database, naming what is missing, while no worker can answer the state query', async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[0]!.approver.email);
    await h.pauseWorker();
    try {
      const { status, body } = await api.getJson(`/api/applications/${id}`);
      expect(status).toBe(200);
      expect(body.workflow.status).toBe('RUNNING');
      expect(body.state).toBeNull();
      expect(body.liveUnavailable).toContain('No worker answered in time');
      expect(body.status).toBe(body.record.status);
      expect(body.record.requests).toHaveLength(1);
    } finally {
      await h.resumeWorker();
    }
    expect((await api.getJson(`/api/applications/${id}`)).body.liveUnavailable).toBeNull();
  });

  it('answers an unknown id with 404', async () => {
    const { status, body } = await api.getJson('/api/applications/app-does-not-exist');
    expect(status).toBe(404);
    expect(body.error.code).toBe('NOT_FOUND');
    expect((await api.getJson('/api/applications/app-does-not-exist/history')).status).toBe(404);
  });
});

describe('GET /api/applications/:id/history', () => {
  it('returns the audit trail beside the Temporal event histories of the application and its units', async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'approve', 'Confirmed');
    await api.decide(await api.linkFor(input.coordinator.email), 'approve');
    await api.result(id);

    // The notice of the application's end is recorded as sent once the outbox relay has sent it, a moment after the close.
    const body = await vi.waitFor(
      async () => {
        const { status, body } = await api.getJson(`/api/applications/${id}/history`);
        expect(status).toBe(200);
        // This test's own earlier reads are in the trail too (each read is audited), maybe after it.
        expect(body.audit.filter((a: { type: string }) => a.type !== 'history.read').at(-1).type).toBe('email.sent');
        return body;
      },
      { timeout: 20_000, interval: 200 },
    );
    const types = body.audit.map((a: { type: string }) => a.type);
    expect(types[0]).toBe('application.started');
    expect(types.filter((t: string) => t === 'approval.decided')).toHaveLength(2);
    const decided = body.audit.find((a: { type: string }) => a.type === 'approval.decided');
    expect(decided.actor).toBe(`unit-approver:${input.units[0]!.approver.email}`);
    expect(decided.data).toMatchObject({ decision: 'approve', comment: 'Confirmed' });
    expect(body.workflows.map((w: { workflowId: string }) => w.workflowId)).toEqual([id, `${id}:modules:unit-1`]);
    const parentEvents = body.workflows[0].events.map((e: { eventType: string }) => e.eventType);
    expect(parentEvents[0]).toBe('WORKFLOW_EXECUTION_STARTED');
    expect(parentEvents.at(-1)).toBe('WORKFLOW_EXECUTION_COMPLETED');
    expect(body.workflows[1].events.map((e: { eventType: string }) => e.eventType)).toContain('WORKFLOW_EXECUTION_UPDATE_COMPLETED');

    // A unit's workflow id is no application's, on this route as on every other.
    expect((await api.as('admin').getJson(`/api/applications/${encodeURIComponent(`${id}:modules:unit-1`)}/history`)).status).toBe(404);
  });
});

describe('GET /api/applications/:id/messages', () => {
  it('lists every email with its recipient, status and attempts, for admins', async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[0]!.approver.email);
    // The row turns `sent` just after the SMTP server accepted the message.
    const body = await vi.waitFor(async () => {
      const answer = await api.getJson(`/api/applications/${id}/messages`);
      expect(answer.body.messages[0].status).toBe('sent');
      return answer.body;
    });
    expect(body.messages).toEqual([
      expect.objectContaining({ template: 'approval-request', toAddress: input.units[0]!.approver.email, status: 'sent', attempts: 1, lastError: null }),
    ]);
    expect(body.messages[0].messageId).toMatch(/^<[0-9a-f]{32}@127\.0\.0\.1>$/);
    expect((await api.getJson('/api/applications/app-nope/messages')).status).toBe(404);
  });
});

describe('POST /api/applications/:id/units/:unitKey/resubmit', () => {
  it('refuses with 409 when no changes were requested, and 404 for an unknown unit', async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[0]!.approver.email);
    const refused = await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/only work sent back with changes requested can be resubmitted/);
    expect((await api.postJson(`/api/applications/${id}/units/unit-9/resubmit`, {})).status).toBe(404);
  });
});
