import { describe, expect, it } from 'vitest';
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
