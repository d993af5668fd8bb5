import { describe, expect, it, vi } from 'vitest';
import { apiOf, linkIn } from '../support/api';
import { makeCooperationInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

describe('variant 3: individual cooperation with KSSE and Landster', () => {
  it('concludes each agreement on its own once all three parties signed, in any order', async () => {
    const input = makeCooperationInput({ units: 2 });
    const id = await api.startOk(input);
    const { ksse, landster } = input.partners;
    // Each partner gets one link per unit's agreement; order of arrival differs, so pick by unit.
    const linkOf = async (email: string, unitName: string) => linkIn(await api.mail(email, new RegExp(`^Sign-off requested: .* — ${unitName}$`)));
    await api.decide(await linkOf(ksse.email, 'Vocational School 1'), 'approve');
    await api.decide(await linkOf(landster.email, 'Vocational School 1'), 'approve');
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'approve');
    await api.decide(await api.linkFor(input.units[1]!.approver.email), 'approve');
    await api.decide(await linkOf(landster.email, 'Vocational School 2'), 'reject', 'No capacity in 2027');

    const result = await api.result(id);
    expect(result.status).toBe('concluded');
    expect(result.units.map((u) => [u.unitKey, u.outcome])).toEqual([
      ['unit-1', 'succeeded'],
      ['unit-2', 'rejected'],
    ]);
    // The rejection ended agreement 2 at once; KSSE's request for it closed undecided.
    const ksseForUnit2 = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, unitKey: 'unit-2', partyRole: 'ksse' }, select: { status: true } });
    expect(ksseForUnit2.status).toBe('closed');
  });

  it('fails when no agreement concludes', async () => {
    const input = makeCooperationInput({ units: 1 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'reject', 'We chose another partner');
    expect((await api.result(id)).status).toBe('failed');
  });

  it('accepts signatures after the deadline and records them as late', async () => {
    const input = makeCooperationInput({ units: 1, agreementsWithinSeconds: 2 });
    const id = await api.startOk(input);
    const links = await Promise.all([input.units[0]!.approver.email, input.partners.ksse.email, input.partners.landster.email].map((e) => api.linkFor(e)));
    await api.decide(links[0]!, 'approve');
    const state = await vi.waitFor(async () => {
      const s = (await api.getJson(`/api/applications/${id}`)).body.state;
      expect(s.units[0].current.status).toBe('overdue');
      return s;
    }, { timeout: 10_000, interval: 200 });
    expect(state.waitingFor).toContain(`unit-1: agreement ksse ${input.partners.ksse.email} (overdue)`);

    // Reminders replaced the first links: take the newest link each partner received.
    const newest = async (email: string) => {
      return linkIn(h.mailbox.list().find((m) => m.to.includes(email) && /approvals/.test(m.text))!);
    };
    links[1] = await newest(input.partners.ksse.email);
    links[2] = await newest(input.partners.landster.email);
    const late = await api.decide(links[1], 'approve');
    expect(late.status).toBe(200);
    expect(late.html).toContain('recorded as late');
    await api.decide(links[2], 'approve');
    expect((await api.result(id)).status).toBe('concluded');
    const lateAudit = await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'approval.decided-late' } });
    expect(lateAudit).toHaveLength(2);
    expect(await h.db.approvalRequest.count({ where: { applicationId: id, late: true } })).toBe(2);
  });
});

describe('variant 3: changes and lifecycle', () => {
  it('asks all three parties again after one requests changes and the coordinator resubmits', async () => {
    const input = makeCooperationInput({ units: 1 });
    const id = await api.startOk(input);
    const parties = [input.units[0]!.approver.email, input.partners.ksse.email, input.partners.landster.email];
    await api.decide(await api.linkFor(parties[1]!), 'request-changes', 'Add the scholarship clause');
    expect((await api.mail(input.coordinator.email, /^Changes requested/)).text).toContain('Add the scholarship clause');
    expect((await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, { note: 'Clause added' })).status).toBe(200);
    for (const email of parties) await api.decide(await api.linkFor(email, 2), 'approve');
    expect((await api.result(id)).status).toBe('concluded');
    const round2 = await h.db.approvalRequest.count({ where: { applicationId: id, round: 2, status: 'approved' } });
    expect(round2).toBe(3);
  });

  it('concludes only the agreements of units still in it after one is added and one removed, then can be withdrawn', async () => {
    const input = makeCooperationInput({ units: 2 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[0]!.approver.email);
    const added = { key: 'unit-4', name: 'Added School', approver: { name: 'Added', email: `added-${id}@school.example.pl` } };
    expect((await api.postJson(`/api/applications/${id}/units`, added)).status).toBe(200);
    expect((await api.postJson(`/api/applications/${id}/units/unit-2/remove`, { reason: 'Chose variant 1' })).status).toBe(200);
    // The added unit's branch reports itself once it has started.
    await vi.waitFor(async () => {
      const state = (await api.getJson(`/api/applications/${id}`)).body.state;
      expect(state.units.map((u: { unitKey: string; status: string }) => [u.unitKey, u.status])).toEqual([
        ['unit-1', 'in-progress'],
        ['unit-2', 'removed'],
        ['unit-4', 'in-progress'],
      ]);
    }, { timeout: 10_000, interval: 200 });
    expect((await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Partners withdrew' })).status).toBe(200);
    expect((await api.result(id)).status).toBe('withdrawn');
    const open = await h.db.approvalRequest.count({ where: { applicationId: id, status: 'pending' } });
    expect(open).toBe(0);
  });
});
