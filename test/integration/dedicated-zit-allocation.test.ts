import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeAllocationInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const boardEmails = (input: ReturnType<typeof makeAllocationInput>) => input.board.members.map((m) => m.email);
const requestsOf = (id: string, step: string) =>
  h.db.approvalRequest.findMany({ where: { applicationId: id, step }, select: { partyEmail: true, status: true, round: true, formData: true, closedReason: true }, orderBy: { partyEmail: 'asc' } });

describe('variant 2: dedicated ZIT allocation with an external promoter', () => {
  it('is submitted after a board majority, declarations, the promoter signature and final approval', async () => {
    const input = makeAllocationInput({ units: 2, boardMembers: 3 });
    const id = await api.startOk(input);
    const [first, second, third] = boardEmails(input);
    await api.decide(await api.linkFor(first!), 'approve');
    const thirdLink = await api.linkFor(third!);
    await api.decide(await api.linkFor(second!), 'approve');

    // Two of three is a majority: the third member's request closes without a decision.
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'declare', undefined, ['internships', 'equipment']);
    expect((await api.open(thirdLink)).status).toBe(410);
    await api.decide(await api.linkFor(input.units[1]!.approver.email), 'decline', 'Covered by our own project');

    const promoterMail = (await h.mailbox.waitFor(input.promoter.email))[0]!;
    expect(promoterMail.text).toContain('Vocational School 1: Internships with employers, Workshop equipment');
    expect(promoterMail.text).not.toContain('Vocational School 2');
    await api.decide(await api.linkFor(input.promoter.email), 'approve', 'Signed');
    await api.decide(await api.linkFor(input.coordinator.email), 'approve');

    const result = await api.result(id);
    expect(result.status).toBe('submitted');
    expect(result.units).toEqual([
      { unitKey: 'unit-1', name: 'Vocational School 1', outcome: 'succeeded', declaredServices: ['internships', 'equipment'] },
      { unitKey: 'unit-2', name: 'Vocational School 2', outcome: 'declined', declaredServices: null },
    ]);
    const board = await requestsOf(id, 'board-approval');
    expect(board.map((r) => r.status).sort()).toEqual(['approved', 'approved', 'closed']);
    const declaration = (await requestsOf(id, 'declaration')).find((r) => r.status === 'declared');
    expect(declaration?.formData).toEqual({ services: ['internships', 'equipment'] });
    const audit = await h.db.auditEvent.findFirstOrThrow({ where: { applicationId: id, type: 'approval.decided', data: { path: ['decision'], equals: 'declare' } } });
    expect(audit.data).toMatchObject({ services: ['internships', 'equipment'] });
    const stages = await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'application.stage-completed' }, select: { data: true }, orderBy: { occurredAt: 'asc' } });
    expect(stages.map((e) => e.data)).toEqual([
      { stageId: 'allocation', succeeded: true, units: [] },
      { stageId: 'declarations', succeeded: true, units: [{ unitKey: 'unit-1', outcome: 'succeeded' }, { unitKey: 'unit-2', outcome: 'declined' }] },
      { stageId: 'submission', succeeded: true, units: [] },
    ]);
  });

  it('is rejected when the board majority cannot be reached, and no unit is asked to declare', async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 3 });
    const id = await api.startOk(input);
    const [first, second] = boardEmails(input);
    await api.decide(await api.linkFor(first!), 'reject', 'Allocation not available');
    await api.decide(await api.linkFor(second!), 'reject', 'Agreed with member 1');
    const result = await api.result(id);
    expect(result.status).toBe('rejected');
    expect(result.units.map((u) => u.outcome)).toEqual(['not-reached']);
    expect(await h.db.approvalRequest.count({ where: { applicationId: id, step: 'declaration' } })).toBe(0);
  });

  it('is rejected when the coordinator goes on without board members who missed the deadline and no majority approved', async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 3, boardWithinSeconds: 3 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(boardEmails(input)[0]!), 'approve');
    const escalation = await api.mail(input.coordinator.email, /^Deadline missed/);
    expect(escalation.subject).toContain('Deadline missed');
    expect(escalation.text).toContain(`k2flow proceed ${id}`);
    expect((await api.postJson(`/api/applications/${id}/proceed`, {})).status).toBe(200);
    const result = await api.result(id);
    expect(result.status).toBe('rejected');
    expect((await requestsOf(id, 'board-approval')).map((r) => r.status).sort()).toEqual(['approved', 'expired', 'expired']);
    const proceeded = await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'step.proceeded-without-missing' }, select: { actor: true, authMethod: true, data: true } });
    expect(proceeded).toHaveLength(1);
    expect(proceeded[0]).toMatchObject({ actor: `user:${h.people.coordinator.id}`, authMethod: 'api-key', data: { stepId: 'board-approval', unitKey: null } });
    expect((proceeded[0]!.data as { missing: { name: string }[] }).missing.map((m) => m.name).sort()).toEqual(input.board.members.slice(1).map((m) => m.name).sort());
  });

  it('lapses when no unit declares any service', async () => {
    const input = makeAllocationInput({ units: 2, boardMembers: 1 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(boardEmails(input)[0]!), 'approve');
    for (const unit of input.units) await api.decide(await api.linkFor(unit.approver.email), 'decline');
    expect((await api.result(id)).status).toBe('lapsed');
    expect(await h.db.approvalRequest.count({ where: { applicationId: id, step: 'promoter-signature' } })).toBe(0);
  });

  it('refuses a declaration without services or with services outside the catalogue', async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 1 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(boardEmails(input)[0]!), 'approve');
    const link = await api.linkFor(input.units[0]!.approver.email);
    const page = await api.open(link);
    expect(page.html).toContain('<input type="checkbox" name="services" value="teacher-training">');
    expect((await api.decide(link, 'declare')).html).toContain('Choose at least one service');
    const unknown = await api.decide(link, 'declare', undefined, ['space-station']);
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('Unknown services: space-station');
    expect((await api.decide(link, 'approve')).status).toBe(400);
    expect((await requestsOf(id, 'declaration'))[0]!.status).toBe('pending');
  });

  it('asks the whole board again after one member requests changes and the coordinator resubmits', async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 2 });
    const id = await api.startOk(input);
    const [first, second] = boardEmails(input);
    await api.decide(await api.linkFor(first!), 'request-changes', 'State the allocation amount');
    const notice = await api.mail(input.coordinator.email, /^Changes requested/);
    expect(notice.text).toContain('State the allocation amount');
    expect((await api.getJson(`/api/applications/${id}`)).body.state.waitingFor).toEqual(['application: coordinator resubmission']);
    // The other member's round-1 link closed with the request for changes.
    expect((await api.decide(await api.linkFor(second!), 'approve')).status).toBe(410);

    expect((await api.postJson(`/api/applications/${id}/resubmit`, { note: 'Amount added' })).status).toBe(200);
    for (const email of [first!, second!]) await api.decide(await api.linkFor(email, 2), 'approve');
    await api.linkFor(input.units[0]!.approver.email);
    const rounds = await requestsOf(id, 'board-approval');
    expect(rounds.map((r) => `${r.round}:${r.status}`).sort()).toEqual(['1:changes-requested', '1:closed', '2:approved', '2:approved']);
  });

  it('sends the application back to the promoter when the coordinator requests changes at final approval', async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 1 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(boardEmails(input)[0]!), 'approve');
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'declare', undefined, ['teacher-training']);
    await api.decide(await api.linkFor(input.promoter.email), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email), 'request-changes', 'Budget table is missing');
    const again = await api.mail(input.promoter.email, /^Sign-off requested/, 2);
    expect(again.text).toContain('Budget table is missing');
    await api.decide(await api.linkFor(input.promoter.email, 2), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email, 2), 'approve');
    expect((await api.result(id)).status).toBe('submitted');
  });
});

describe('variant 2: lifecycle operations', () => {
  it('withdrawn while the board decides: every member with a pending link is told', async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 2 });
    const id = await api.startOk(input);
    const links = await Promise.all(boardEmails(input).map((e) => api.linkFor(e)));
    expect((await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Allocation moved to 2028' })).body.state.status).toBe('withdrawn');
    for (const email of boardEmails(input)) expect((await api.mail(email, /^No longer needed/)).text).toContain('Allocation moved to 2028');
    expect((await api.decide(links[0]!, 'approve')).status).toBe(410);
    expect((await requestsOf(id, 'board-approval')).map((r) => r.status)).toEqual(['withdrawn', 'withdrawn']);
  });

  it('takes a unit added and loses a unit removed while declarations are collected', async () => {
    const input = makeAllocationInput({ units: 2, boardMembers: 1 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(boardEmails(input)[0]!), 'approve');
    await api.linkFor(input.units[1]!.approver.email);
    const added = { key: 'unit-7', name: 'Added School', approver: { name: 'Added', email: `added-${id}@school.example.pl` } };
    expect((await api.postJson(`/api/applications/${id}/units`, added)).status).toBe(200);
    expect((await api.postJson(`/api/applications/${id}/units/unit-2/remove`, { reason: 'Closed down' })).status).toBe(200);
    await api.decide(await api.linkFor(added.approver.email), 'declare', undefined, ['teacher-training']);
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'decline');
    const promoterMail = (await h.mailbox.waitFor(input.promoter.email))[0]!;
    expect(promoterMail.text).toContain('Added School: Teacher training');
    await api.decide(await api.linkFor(input.promoter.email), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email), 'approve');
    const result = await api.result(id);
    expect(result.units.map((u) => [u.unitKey, u.outcome])).toEqual([
      ['unit-1', 'declined'],
      ['unit-2', 'removed'],
      ['unit-7', 'succeeded'],
    ]);
  });
});
