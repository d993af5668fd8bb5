import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeAllocationInput, makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const branchStatus = async (id: string, unitKey: string | null) => {
  const state = (await api.getJson(`/api/applications/${id}`)).body.state;
  return unitKey ? state?.units?.find((u: { unitKey: string }) => u.unitKey === unitKey)?.status : state?.steps?.status;
};

describe('resubmitting with changes', () => {
  it("changes a unit's project reference: the reopened step asks about the new one, and its party sees what changed", async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    const director = input.units[0]!.approver.email;
    const before = input.units[0]!.projectReference;
    await api.decide(await api.linkFor(director), 'request-changes', 'The project number is the old one');
    await expect.poll(() => branchStatus(id, 'unit-1'), { timeout: 10_000 }).toBe('changes-requested');

    // What a unit's branch cannot change is refused, and nothing is resubmitted.
    expect((await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, { changes: { services: { 'unit-1': ['x'] } } })).status).toBe(400);
    expect((await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, { changes: { colour: 'red' } })).status).toBe(400);
    const resubmitted = await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, { note: 'Number corrected', changes: { projectReference: 'RPSL.11.02.01-24-9999/17' } });
    expect(resubmitted.status, JSON.stringify(resubmitted.body)).toBe(200);

    const again = await api.linkFor(director, 2);
    const page = await api.open(again);
    expect(page.html).toContain('Number corrected');
    expect(page.html).toContain(`${before} → <strong>RPSL.11.02.01-24-9999/17</strong>`);
    const round2 = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, step: 'unit-confirmation', round: 2 } });
    expect(round2.ask).toContain('RPSL.11.02.01-24-9999/17');
    expect((await h.db.applicationUnit.findFirstOrThrow({ where: { applicationId: id } })).projectReference).toBe('RPSL.11.02.01-24-9999/17');
    const audit = await h.db.auditEvent.findFirstOrThrow({ where: { applicationId: id, type: 'resubmitted' } });
    expect(audit.data).toMatchObject({ note: 'Number corrected', changes: [{ field: 'projectReference', unitKey: 'unit-1', before, after: 'RPSL.11.02.01-24-9999/17' }] });
  });

  it("amends a unit's declared services when the promoter asks for changes; the promoter signs the amended declarations", async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 1 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(input.board.members[0]!.email), 'approve');
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'declare', undefined, ['internships', 'equipment']);
    await api.decide(await api.linkFor(input.promoter.email), 'request-changes', 'We cannot provide equipment');
    await expect.poll(() => branchStatus(id, null), { timeout: 10_000 }).toBe('changes-requested');

    const resubmit = (body: unknown) => api.postJson(`/api/applications/${id}/resubmit`, body);
    expect((await resubmit({ changes: { services: { 'unit-1': ['no-such-service'] } } })).status).toBe(400);
    expect((await resubmit({ changes: { services: { 'unit-9': ['internships'] } } })).status).toBe(400);
    expect((await resubmit({ changes: { projectReference: 'X' } })).status).toBe(400);
    expect((await resubmit({ note: 'Equipment dropped', changes: { services: { 'unit-1': ['internships'] } } })).status).toBe(200);

    const promoterMail = await api.mail(input.promoter.email, /Sign-off/, 2);
    expect(promoterMail.text).toContain('Vocational School 1: Internships with employers');
    expect(promoterMail.text).not.toContain('Workshop equipment');
    const page = await api.open(await api.linkFor(input.promoter.email, 2));
    expect(page.html).toContain('Services of Vocational School 1');
    expect(page.html).toContain('Internships with employers, Workshop equipment → <strong>Internships with employers</strong>');
    await api.decide(await api.linkFor(input.promoter.email, 2), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email), 'approve');
    const result = await api.result(id);
    expect(result.units[0]).toMatchObject({ unitKey: 'unit-1', declaredServices: ['internships'] });
  });
});
