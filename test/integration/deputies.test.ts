import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeAllocationInput, makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const nameDeputy = (link: string, fields: Record<string, string>) => fetch(`${link}/deputy`, { method: 'POST', body: new URLSearchParams(fields) });
const boardRequests = (id: string) =>
  h.db.approvalRequest.findMany({ where: { applicationId: id, step: 'board-approval' }, select: { partyEmail: true, status: true, decidedByEmail: true }, orderBy: { partyEmail: 'asc' } });

describe('deputies', () => {
  it("decide with a link of their own on the party's behalf, and count once in a majority", async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 3 });
    const id = await api.startOk(input);
    const [first, second] = input.board.members;
    const firstLink = await api.linkFor(first!.email);
    const deputyEmail = `deputy-${first!.email}`;

    // The party's own page names the deputy; a deputy who is the party is refused on the page.
    const self = await nameDeputy(firstLink, { name: 'Me again', email: first!.email });
    expect(self.status).toBe(400);
    // One person, one voice: another member of the board, or the coordinator, cannot be a member's deputy.
    expect((await nameDeputy(firstLink, { name: 'Second member', email: second!.email.toUpperCase() })).status).toBe(400);
    expect((await nameDeputy(firstLink, { name: 'The coordinator', email: input.coordinator.email })).status).toBe(400);
    const named = await nameDeputy(firstLink, { name: 'Deputy Member', email: deputyEmail, language: 'en', until: '2099-12-31' });
    expect(named.status).toBe(200);
    expect(await named.text()).toContain(deputyEmail);
    const deputyLink = await api.linkFor(deputyEmail);
    expect(deputyLink).not.toBe(firstLink);
    const invitation = await api.mail(deputyEmail, /deputy/i);
    expect(invitation.text).toContain(`named you the deputy of ${first!.name}`);
    // The party's link still works and says who their deputy is; the deputy's says on whose behalf they decide.
    expect((await api.open(firstLink)).html).toContain('Your deputy is Deputy Member');
    const deputyPage = await api.open(deputyLink);
    expect(deputyPage.status).toBe(200);
    expect(deputyPage.html).toContain(`You decide as the deputy of ${first!.name}`);
    expect(deputyPage.html).not.toContain('/deputy?');

    expect((await api.decide(deputyLink, 'approve', 'For the member, on leave')).status).toBe(200);
    // One party decided (through their deputy): one of three, no majority yet.
    const afterDeputy = await boardRequests(id);
    expect(afterDeputy.find((r) => r.partyEmail === first!.email)).toMatchObject({ status: 'approved', decidedByEmail: deputyEmail });
    expect(afterDeputy.filter((r) => r.status === 'pending')).toHaveLength(2);
    // The party's own click now finds the decision recorded, once.
    expect((await api.decide(firstLink, 'approve')).status).toBe(409);
    expect((await api.open(firstLink)).html).toContain('Decided by the deputy: Deputy Member');
    expect(await h.db.approvalRequest.count({ where: { applicationId: id, step: 'declaration' } })).toBe(0);

    await api.decide(await api.linkFor(second!.email), 'approve');
    // Two parties of three: the majority, and the declarations open.
    await api.linkFor(input.units[0]!.approver.email);
    expect((await boardRequests(id)).map((r) => r.status).sort()).toEqual(['approved', 'approved', 'closed']);

    const decided = await h.db.auditEvent.findFirstOrThrow({ where: { applicationId: id, type: 'approval.decided', data: { path: ['onBehalfOf'], equals: first!.email } } });
    expect(decided.actor).toBe(`board-member:${deputyEmail}`);
    expect(decided.data).toMatchObject({ via: { deputy: { name: 'Deputy Member', email: deputyEmail } } });
    const evidence = (await api.as('admin').getJson(`/api/applications/${id}/evidence.json`)).body;
    expect(evidence.requests.find((r: { partyEmail: string; step: string }) => r.partyEmail === first!.email && r.step === 'board-approval')).toMatchObject({ decidedByName: 'Deputy Member', decidedByEmail: deputyEmail });
    const namedAudit = await h.db.auditEvent.findFirstOrThrow({ where: { applicationId: id, type: 'deputy.named' } });
    expect(namedAudit).toMatchObject({ actor: `board-member:${first!.email}`, data: { party: { email: first!.email }, deputy: { email: deputyEmail } } });
  });

  it('are named by the coordinator for any pending party, and refused for a decided one', async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    const director = input.units[0]!.approver;
    const directorLink = await api.linkFor(director.email);
    const request = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, step: 'unit-confirmation' } });
    const path = `/api/applications/${id}/requests/${encodeURIComponent(request.id)}/deputy`;
    expect((await api.postJson(path, { name: 'Vice-director', email: 'not-an-email' })).status).toBe(400);
    expect((await api.as('otherCoordinator').postJson(path, { name: 'Vice-director', email: 'vice@school.example.pl' })).status).toBe(404);
    const deputyEmail = `vice-${director.email}`;
    const named = await api.postJson(path, { name: 'Vice-director', email: deputyEmail, language: 'en' });
    expect(named.status, JSON.stringify(named.body)).toBe(200);
    const deputyLink = await api.linkFor(deputyEmail);
    expect((await api.decide(deputyLink, 'approve')).status).toBe(200);
    expect((await api.postJson(path, { name: 'Someone else', email: `else-${director.email}` })).status).toBe(409);
    expect((await api.decide(directorLink, 'approve')).status).toBe(409);
    const namedAudit = await h.db.auditEvent.findFirstOrThrow({ where: { applicationId: id, type: 'deputy.named' } });
    expect(namedAudit).toMatchObject({ actor: `user:${h.people.coordinator.id}`, authMethod: 'api-key' });
  });
});
