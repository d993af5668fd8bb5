import pg from 'pg';
import { applicationStateQuery } from '../../workflows/messages';
import { describe, expect, it, vi } from 'vitest';
import { apiOf } from '../support/api';
import { makeAllocationInput, makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const newUnit = (key: string, email: string) => ({
  key,
  name: `Added School ${key}`,
  projectReference: 'RPSL.11.02.01-24-0999/16',
  approver: { name: 'Added Director', email },
});

describe('coordinator lifecycle operations', () => {
  it('withdraw an application: pending parties are told and their links stop working', async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    const links = await Promise.all(input.units.map((u) => api.linkFor(u.approver.email)));

    const answer = await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'The call for proposals was cancelled' });
    expect(answer.status).toBe(200);
    expect(answer.body.state.status).toBe('withdrawn');
    const result = await api.result(id);
    expect(result.status).toBe('withdrawn');
    expect(result.units.map((u) => u.outcome)).toEqual(['withdrawn', 'withdrawn']);

    for (const unit of input.units) {
      const notice = await api.mail(unit.approver.email, /^No longer needed/);
      expect(notice.text).toContain('The call for proposals was cancelled');
    }
    const page = await api.open(links[0]!);
    expect(page.status).toBe(410);
    expect(page.html).toContain('The application was withdrawn');
    expect((await api.decide(links[1]!, 'approve')).status).toBe(410);
    expect((await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'again' })).status).toBe(409);
    expect(await h.db.auditEvent.count({ where: { applicationId: id, type: 'application.withdrawn' } })).toBe(1);
  });

  it('add a unit while sign-offs are collected: it is asked like the others', async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[0]!.approver.email);
    const added = newUnit('unit-9', `added-${input.title.split(' ').at(-1)}@school.example.pl`);

    expect((await api.postJson(`/api/applications/${id}/units`, added)).status).toBe(200);
    expect((await api.postJson(`/api/applications/${id}/units`, added)).status).toBe(409);
    const { projectReference: _, ...withoutReference } = newUnit('unit-8', 'x@school.example.pl');
    expect((await api.postJson(`/api/applications/${id}/units`, withoutReference)).status).toBe(400);

    await api.decide(await api.linkFor(added.approver.email), 'approve');
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email, 1), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email, 2), 'approve');
    const result = await api.result(id);
    expect(result.units.map((u) => [u.unitKey, u.outcome])).toEqual([
      ['unit-1', 'succeeded'],
      ['unit-9', 'succeeded'],
    ]);
  });

  it('remove a unit while sign-offs are collected: its approver is told, the rest go on', async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    const removedLink = await api.linkFor(input.units[1]!.approver.email);
    const answer = await api.postJson(`/api/applications/${id}/units/unit-2/remove`, { reason: 'The school merged with unit 1' });
    expect(answer.status).toBe(200);
    expect(answer.body.state.units.find((u: { unitKey: string }) => u.unitKey === 'unit-2').status).toBe('removed');
    // The unit still running answers for itself: the step it waits in, not a bare placeholder.
    const running = answer.body.state.units.find((u: { unitKey: string }) => u.unitKey === 'unit-1');
    expect(running).toMatchObject({ status: 'in-progress', current: { stepId: 'unit-confirmation', status: 'open' } });
    expect(answer.body.state.waitingFor.join(' ')).toContain(input.units[0]!.approver.email);
    expect((await api.mail(input.units[1]!.approver.email, /^No longer needed/)).text).toContain('The school merged with unit 1');
    expect((await api.decide(removedLink, 'approve')).status).toBe(410);

    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email), 'approve');
    const result = await api.result(id);
    expect(result.status).toBe('approved');
    expect(result.units.map((u) => [u.unitKey, u.outcome])).toEqual([
      ['unit-1', 'succeeded'],
      ['unit-2', 'removed'],
    ]);
    expect((await api.postJson(`/api/applications/${id}/units/unit-1/remove`, { reason: 'too late' })).status).toBe(409);
  });

  it('answer a unit action 503, never 500, when Temporal says no worker polls, and carry it out once one does', async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[0]!.approver.email);
    const extend = () => api.postJson(`/api/applications/${id}/units/unit-1/extend-deadline`, { deadline: '2030-06-28T10:00:00Z' });
    await h.pauseWorker();
    try {
      // Soon after its last worker left, Temporal refuses a query at once ("no poller seen",
      // FAILED_PRECONDITION) rather than holding it: the unit's action asks one first.
      await vi.waitFor(
        async () => {
          const refused = await h.temporal.connection
            .withDeadline(Date.now() + 2_000, () => h.temporal.workflow.getHandle(id).query(applicationStateQuery))
            .then(() => null, (error: Error) => error);
          expect(String(refused?.cause ?? refused)).toMatch(/no poller seen/i);
        },
        { timeout: 90_000, interval: 500 },
      );
      const answer = await extend();
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('UNAVAILABLE');
    } finally {
      await h.resumeWorker();
    }
    expect(h.logLines.filter((l) => l.includes('"msg":"request failed"'))).toEqual([]);
    await vi.waitFor(async () => expect((await extend()).status).toBe(200), { timeout: 30_000, interval: 500 });
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
  }, 150_000);

  it('keep a decision the workflow took but could not yet write when its unit is removed', async () => {
    // The HTTP path end to end; the race this guards against (a write retried after the unit's requests closed) is proven in worker-crash.test.ts.
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    const link = await api.linkFor(input.units[1]!.approver.email);
    const request = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, unitKey: 'unit-2' }, select: { id: true } });
    // Another session holds the request's row: the server's write and the workflow's both wait.
    const blocker = new pg.Client({ connectionString: h.databaseUrl });
    await blocker.connect();
    let removal: ReturnType<typeof api.postJson> | undefined;
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM "ApprovalRequest" WHERE id = $1 FOR UPDATE', [request.id]);
      expect((await api.decide(link, 'approve')).status).toBe(202);
      removal = api.postJson(`/api/applications/${id}/units/unit-2/remove`, { reason: 'The school left the partnership' });
      // Whatever would close or record the request is queued behind the held row.
      await vi.waitUntil(
        async () => (await blocker.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)).rows[0].n > 0,
        { timeout: 20_000, interval: 100 },
      );
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    expect((await removal).status).toBe(200);
    // The decision taken before the removal stands; nothing claims the request closed without one.
    expect(await h.db.approvalRequest.findUniqueOrThrow({ where: { id: request.id }, select: { status: true } })).toEqual({ status: 'approved' });
    const decided = await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'approval.decided' }, select: { data: true } });
    expect(decided.filter((e) => (e.data as { requestId: string }).requestId === request.id)).toHaveLength(1);
    const closed = await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'approval.closed' }, select: { data: true } });
    expect(closed.filter((e) => (e.data as { requestId: string }).requestId === request.id)).toHaveLength(0);

    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email, 1, (m) => m.text.includes(input.units[0]!.name)), 'approve');
    const result = await api.result(id);
    expect(result.units.map((u) => [u.unitKey, u.outcome])).toEqual([
      ['unit-1', 'succeeded'],
      ['unit-2', 'removed'],
    ]);
  });

  it('answer a removal the database holds up with 202 within its wait, and carry it out once the row is free', async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[1]!.approver.email);
    const request = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, unitKey: 'unit-2' }, select: { id: true } });
    const blocker = new pg.Client({ connectionString: h.databaseUrl });
    await blocker.connect();
    try {
      // Closing the unit's request waits behind this row for as long as it is held.
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM "ApprovalRequest" WHERE id = $1 FOR UPDATE', [request.id]);
      const removal = await api.postJson(`/api/applications/${id}/units/unit-2/remove`, { reason: 'The school left the partnership' });
      expect(removal.status).toBe(202);
      expect(removal.body).toEqual({ inProgress: true, message: expect.stringContaining('Removing unit unit-2 was accepted and is being carried out') });
      expect(await h.db.approvalRequest.findUniqueOrThrow({ where: { id: request.id }, select: { status: true } })).toEqual({ status: 'pending' });
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    await vi.waitFor(async () => expect(await h.db.approvalRequest.findUniqueOrThrow({ where: { id: request.id }, select: { status: true } })).toEqual({ status: 'removed' }), { timeout: 30_000, interval: 200 });
    const unit = (await api.getJson(`/api/applications/${id}`)).body.state.units.find((u: { unitKey: string }) => u.unitKey === 'unit-2');
    expect(unit.status).toBe('removed');
  }, 60_000);

  it('refuse to add a unit once the per-unit stage is over, and refuse a reason-less withdrawal', async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 1 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(input.board.members[0]!.email), 'approve');
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'declare', undefined, ['equipment']);
    await api.linkFor(input.promoter.email);
    const late = await api.postJson(`/api/applications/${id}/units`, newUnit('unit-5', 'late@school.example.pl'));
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('Units can no longer change');
    expect((await api.postJson(`/api/applications/${id}/withdraw`, {})).status).toBe(400);
    expect((await api.postJson('/api/applications/app-unknown/withdraw', { reason: 'none' })).status).toBe(404);
  });
});
