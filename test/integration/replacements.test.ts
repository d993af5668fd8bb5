import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeAllocationInput, makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const replace = (id: string, email: string, person: { name: string; email: string; language?: 'en' }) => api.postJson(`/api/applications/${id}/people/replace`, { email, person });

describe('replacing a person while the application runs', () => {
  it("passes a board member's open request to the new member: the old link answers 410, the new member decides, the audit says who replaced whom", async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 3 });
    const id = await api.startOk(input);
    const [first, second] = input.board.members;
    const oldLink = await api.linkFor(first!.email);
    const successor = { name: 'New Board Member', email: `successor-${first!.email}`, language: 'en' as const };

    expect((await replace(id, 'nobody@nowhere.example.pl', successor)).status).toBe(404);
    expect((await replace(id, first!.email, { ...successor, email: first!.email })).status).toBe(400);
    expect((await api.as('otherCoordinator').postJson(`/api/applications/${id}/people/replace`, { email: first!.email, person: successor })).status).toBe(404);
    const replaced = await replace(id, first!.email, successor);
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body.requestsPassedOn).toBe(1);

    const refused = await api.open(oldLink);
    expect(refused.status).toBe(410);
    expect(refused.html).toContain('passed to another person');
    const newLink = await api.linkFor(successor.email);
    expect((await api.decide(newLink, 'approve')).status).toBe(200);
    await api.decide(await api.linkFor(second!.email), 'approve');
    // The majority counts the board's seats: the successor's approval and the second member's.
    await api.linkFor(input.units[0]!.approver.email);
    const board = await h.db.approvalRequest.findMany({ where: { applicationId: id, step: 'board-approval' }, select: { partyEmail: true, status: true } });
    expect(board.find((r) => r.partyEmail === successor.email)?.status).toBe('approved');
    expect(board.some((r) => r.partyEmail === first!.email)).toBe(false);

    const party = await h.db.auditEvent.findFirstOrThrow({ where: { applicationId: id, type: 'party.replaced' } });
    expect(party).toMatchObject({ actor: `user:${h.people.coordinator.id}`, data: { from: { email: first!.email }, to: { email: successor.email } } });
    const person = await h.db.auditEvent.findFirstOrThrow({ where: { applicationId: id, type: 'person.replaced' } });
    expect(person.data).toMatchObject({ from: { email: first!.email }, to: { email: successor.email } });
    // Someone who already takes part cannot take a second place.
    expect((await replace(id, second!.email, { name: 'Twice', email: input.promoter.email })).status).toBe(400);
    const refusal = await h.db.auditEvent.findFirst({ where: { applicationId: id, type: 'link.refused', data: { path: ['reason'], equals: 'link-replaced' } } });
    expect(refusal?.actor).toBe(`board-member:${first!.email}`);
  });

  it("refuses the replaced person's old link even before it is revoked, runs one replacement at a time, and pages show who stands where now", async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 2 });
    const id = await api.startOk(input);
    const [first, second] = input.board.members;
    const oldLink = await api.linkFor(first!.email);
    // The same person replaced twice at once: one replacement happens, the other finds nobody to replace.
    const [a, b] = await Promise.all([
      replace(id, first!.email, { name: 'Successor A', email: `a-${first!.email}` }),
      replace(id, first!.email, { name: 'Successor B', email: `b-${first!.email}` }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 404]);
    const winner = a.status === 200 ? `a-${first!.email}` : `b-${first!.email}`;
    expect((await api.decide(oldLink, 'reject', 'Not mine to decide any more')).status).toBe(410);
    const request = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, step: 'board-approval', partyEmail: winner } });
    expect(request.status).toBe('pending');
    // The promoter replaced (case aside) before their step: the board's pages name the new one.
    expect((await replace(id, input.promoter.email.toUpperCase(), { name: 'New Promoter', email: `new-${input.promoter.email}` })).status).toBe(200);
    expect((await api.open(await api.linkFor(second!.email))).html).toContain('New Promoter');
  });

  it("replaces a unit's director mid-step and the coordinator for the steps to come", async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    const director = input.units[0]!.approver;
    const oldLink = await api.linkFor(director.email);
    const newDirector = { name: 'New Director', email: `new-${director.email}`, language: 'en' as const };
    const newCoordinator = { name: 'New Coordinator', email: `new-${input.coordinator.email}`, language: 'en' as const };
    expect((await replace(id, director.email, newDirector)).body.requestsPassedOn).toBe(1);
    expect((await replace(id, input.coordinator.email.toUpperCase(), newCoordinator)).status).toBe(200);
    expect((await api.open(oldLink)).status).toBe(410);
    expect((await api.decide(await api.linkFor(newDirector.email), 'approve')).status).toBe(200);
    // The coordinator's review, opened after the replacement, asks the new coordinator.
    const review = await api.linkFor(newCoordinator.email);
    expect((await api.decide(review, 'approve')).status).toBe(200);
    expect((await api.result(id)).status).toBe('approved');
    const record = await h.db.application.findUniqueOrThrow({ where: { id }, select: { coordinatorEmail: true, units: { select: { approverEmail: true } } } });
    expect(record).toEqual({ coordinatorEmail: newCoordinator.email, units: [{ approverEmail: newDirector.email }] });
  });
});
