import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeAllocationInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

// Drafts: prepared, checked and previewed, they start no workflow and email nobody; sent, they
// start one application however often "send" is pressed.

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const put = async (path: string, body: unknown, key: string) => {
  const res = await fetch(new URL(path, h.baseUrl), { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

describe('drafts', () => {
  it('keeps an incomplete application, says what stops it, previews who is asked when, and sends nothing until sent', async () => {
    const input = makeAllocationInput({ units: 2, boardMembers: 3 });
    const { deadlines: _, ...incomplete } = input;
    const saved = await api.postJson('/api/drafts', incomplete);
    expect(saved.status).toBe(201);
    const id = saved.body.id as string;

    const draft = (await api.getJson(`/api/drafts/${id}`)).body;
    expect(draft.problems).toEqual([{ path: 'deadlines', message: 'is required' }]);
    expect((await api.getJson(`/api/drafts/${id}/preview`)).body).toEqual({ valid: false, problems: [{ path: 'deadlines', message: 'is required' }], stages: [] });
    expect((await api.postJson(`/api/drafts/${id}/send`, {})).status).toBe(400);

    // Completed, it previews every step: its parties, its deadline, the reminders.
    expect((await put(`/api/drafts/${id}`, input, h.people.coordinator.key)).status).toBe(200);
    const preview = (await api.getJson(`/api/drafts/${id}/preview`)).body;
    expect(preview.valid).toBe(true);
    expect(preview.stages.map((s: { stageId: string }) => s.stageId)).toEqual(['allocation', 'declarations', 'submission']);
    const board = preview.stages[0].steps[0];
    expect(board).toMatchObject({ stepId: 'board-approval', unitKey: null, deadline: new Date(input.deadlines.boardApproval).toISOString() });
    expect(board.parties.map((p: { email: string }) => p.email)).toEqual(input.board.members.map((m) => m.email));
    expect(board.reminders.length).toBeGreaterThan(0);
    expect(board.reminders.every((r: string) => Date.parse(r) < Date.parse(board.effectiveDeadline))).toBe(true);
    expect(preview.stages[1].steps.map((s: { unitKey: string; parties: Array<{ email: string }> }) => [s.unitKey, s.parties[0]!.email])).toEqual(input.units.map((u) => [u.key, u.approver.email]));

    // Nothing started, nobody emailed.
    const everyone = [input.coordinator.email, input.promoter.email, ...input.board.members.map((m) => m.email), ...input.units.map((u) => u.approver.email)];
    expect(h.mailbox.list().filter((m) => m.to.some((to) => everyone.includes(to)))).toEqual([]);
    expect(await h.db.application.count({ where: { title: input.title } })).toBe(0);
    expect((await api.getJson('/api/drafts')).body.drafts.map((d: { id: string }) => d.id)).toContain(id);

    // Sent: one application, however often it is pressed.
    const [first, second] = await Promise.all([api.postJson(`/api/drafts/${id}/send`, {}), api.postJson(`/api/drafts/${id}/send`, {})]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([201, 409]);
    const sent = first.status === 201 ? first.body : second.body;
    await api.linkFor(input.board.members[0]!.email);
    expect(await h.db.application.count({ where: { title: input.title } })).toBe(1);
    expect(await h.db.draft.findUniqueOrThrow({ where: { id }, select: { applicationId: true } })).toEqual({ applicationId: sent.id });
    expect((await put(`/api/drafts/${id}`, input, h.people.coordinator.key)).status).toBe(409);
    expect((await api.getJson('/api/drafts')).body.drafts.map((d: { id: string }) => d.id)).not.toContain(id);
    await api.postJson(`/api/applications/${sent.id}/withdraw`, { reason: 'Test over' });
  });

  it('lets a send that stopped short be finished, starting no second application', async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 1 });
    const id = (await api.postJson('/api/drafts', input)).body.id as string;
    // A send claimed the draft moments ago and has not finished: another waits.
    await h.db.draft.update({ where: { id }, data: { sentAt: new Date() } });
    const busy = await api.postJson(`/api/drafts/${id}/send`, {});
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toContain('is being sent');
    // Its server stopped long ago without recording the application: the claim has lapsed.
    await h.db.draft.update({ where: { id }, data: { sentAt: new Date(Date.now() - 10 * 60_000) } });
    const first = await api.postJson(`/api/drafts/${id}/send`, {});
    expect(first.status).toBe(201);
    // Had that send started the application, sending again (by anyone) finds the same one.
    await h.db.draft.update({ where: { id }, data: { sentAt: new Date(Date.now() - 10 * 60_000), applicationId: null } });
    const again = await api.as('admin').postJson(`/api/drafts/${id}/send`, {});
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    await api.linkFor(input.board.members[0]!.email);
    expect(await h.db.application.count({ where: { title: input.title } })).toBe(1);
    await api.postJson(`/api/applications/${first.body.id}/withdraw`, { reason: 'Test over' });
  });

  it("is not there to another office's coordinator, and auditors cannot make one", async () => {
    const id = (await api.postJson('/api/drafts', { variant: 'individual-cooperation', title: 'Szkic' })).body.id as string;
    const other = api.as('otherCoordinator');
    expect((await other.getJson(`/api/drafts/${id}`)).status).toBe(404);
    expect((await other.postJson(`/api/drafts/${id}/send`, {})).status).toBe(404);
    expect((await other.getJson('/api/drafts')).body.drafts.map((d: { id: string }) => d.id)).not.toContain(id);
    expect((await api.as('auditor').postJson('/api/drafts', { variant: 'individual-cooperation' })).status).toBe(403);
    expect((await api.postJson('/api/drafts', { title: 'no variant' })).status).toBe(400);
    const removed = await fetch(new URL(`/api/drafts/${id}`, h.baseUrl), { method: 'DELETE', headers: { authorization: `Bearer ${h.people.coordinator.key}` } });
    expect(removed.status).toBe(200);
    expect((await api.getJson(`/api/drafts/${id}`)).status).toBe(404);
  });
});
