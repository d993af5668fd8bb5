import { describe, expect, it, vi } from 'vitest';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const auditTypes = async (id: string) =>
  (await h.db.auditEvent.findMany({ where: { applicationId: id }, select: { type: true } })).map((a) => a.type);

describe('variant 1: module in existing projects', () => {
  it('approves the application when every unit approver and the coordinator approve', async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);

    for (const unit of input.units) {
      expect((await api.decide(await api.linkFor(unit.approver.email), 'approve')).status).toBe(200);
    }
    // The coordinator reviews each confirmed module through a link of its own.
    for (const nth of [1, 2]) {
      expect((await api.decide(await api.linkFor(input.coordinator.email, nth), 'approve', 'Looks complete')).status).toBe(200);
    }

    const result = await api.result(id);
    expect(result.status).toBe('approved');
    expect(result.units.map((u) => u.outcome)).toEqual(['succeeded', 'succeeded']);
    const record = await h.db.application.findUniqueOrThrow({ where: { id }, select: { status: true, closedAt: true, units: { select: { status: true } } } });
    expect(record.status).toBe('approved');
    expect(record.closedAt).not.toBeNull();
    expect(record.units.map((u) => u.status)).toEqual(['succeeded', 'succeeded']);
    const closing = await api.mail(input.coordinator.email, /^Application /);
    expect(closing.subject).toBe(`Application approved: ${input.title}`);
    expect(await auditTypes(id)).toEqual(expect.arrayContaining(['application.started', 'approval.requested', 'approval.decided', 'email.sent', 'application.closed']));
  });

  it('fails the application when every unit rejects the module, recording each rejection with its comment', async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    for (const unit of input.units) {
      expect((await api.decide(await api.linkFor(unit.approver.email), 'reject', 'No capacity this year')).status).toBe(200);
    }
    const result = await api.result(id);
    expect(result.status).toBe('failed');
    expect(result.units.map((u) => u.outcome)).toEqual(['rejected', 'rejected']);
    const requests = await h.db.approvalRequest.findMany({ where: { applicationId: id }, select: { status: true, comment: true } });
    expect(requests).toEqual([
      { status: 'rejected', comment: 'No capacity this year' },
      { status: 'rejected', comment: 'No capacity this year' },
    ]);
  });

  it('approves the application without a unit that rejects the module while the others approve', async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'reject', 'We withdraw');
    await api.decide(await api.linkFor(input.units[1]!.approver.email), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email), 'approve');

    const result = await api.result(id);
    expect(result.status).toBe('approved');
    expect(result.units).toEqual([
      { unitKey: 'unit-1', name: 'Vocational School 1', outcome: 'rejected', declaredServices: null },
      { unitKey: 'unit-2', name: 'Vocational School 2', outcome: 'succeeded', declaredServices: null },
    ]);
  });

  it('loops through request-changes: the coordinator is told, resubmits, and the approver is asked again', async () => {
    const input = makeInput({ units: 1 });
    const approver = input.units[0]!.approver.email;
    const id = await api.startOk(input);

    const first = await api.linkFor(approver);
    expect((await api.decide(first, 'request-changes', 'Add the welding workshop to the budget')).status).toBe(200);
    const notice = await api.mail(input.coordinator.email, /^Changes requested/);
    expect(notice.subject).toContain('Changes requested');
    expect(notice.text).toContain('Add the welding workshop to the budget');
    // The unit reports to the application workflow by signal, which may land just after the email.
    await vi.waitFor(async () => expect((await api.getJson(`/api/applications/${id}`)).body.state.units[0].status).toBe('changes-requested'), {
      timeout: 5_000,
      interval: 100,
    });

    const resubmitted = await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, { note: 'Budget updated' });
    expect(resubmitted.status).toBe(200);

    const second = await api.linkFor(approver, 2);
    expect(second).not.toBe(first);
    // The first round's link is closed: it shows the recorded decision and accepts nothing.
    expect((await api.decide(first, 'approve')).status).toBe(409);
    expect((await api.decide(second, 'approve')).status).toBe(200);
    await api.decide(await api.linkFor(input.coordinator.email), 'approve'); // the notice carried no link

    const result = await api.result(id);
    expect(result.status).toBe('approved');
    const rounds = await h.db.approvalRequest.findMany({
      where: { applicationId: id },
      select: { step: true, round: true, status: true },
      orderBy: { createdAt: 'asc' },
    });
    expect(rounds).toEqual([
      { step: 'unit-confirmation', round: 1, status: 'changes-requested' },
      { step: 'unit-confirmation', round: 2, status: 'approved' },
      { step: 'coordinator-review', round: 2, status: 'approved' },
    ]);
    expect(await auditTypes(id)).toContain('resubmitted');
  });

  it('sends the unit back for a new confirmation when the coordinator requests changes at review', async () => {
    const input = makeInput({ units: 1 });
    const approver = input.units[0]!.approver.email;
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(approver), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email), 'request-changes', 'Name the employer partner');
    const again = await api.mail(approver, /^Sign-off requested/, 2);
    expect(again.text).toContain('Name the employer partner');
    await api.decide(await api.linkFor(approver, 2), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email, 2), 'reject', 'Still incomplete');
    const result = await api.result(id);
    expect(result).toMatchObject({ status: 'failed', units: [{ outcome: 'rejected' }] });
  });

  it('drops a unit whose approver missed the deadline once the coordinator goes on without it', async () => {
    const input = makeInput({ units: 1, confirmWithinSeconds: 3 });
    const id = await api.startOk(input);
    const link = await api.linkFor(input.units[0]!.approver.email);
    await api.mail(input.coordinator.email, /^Deadline missed/, 2); // told at once, and again a "working day" later
    expect((await api.postJson(`/api/applications/${id}/units/unit-1/proceed`, {})).status).toBe(200);
    const result = await api.result(id);
    expect(result).toMatchObject({ status: 'failed', units: [{ outcome: 'expired' }] });
    const page = await api.open(link);
    expect(page.status).toBe(410);
    expect((await api.decide(link, 'approve')).status).toBe(410);
    expect(await auditTypes(id)).toEqual(expect.arrayContaining(['approval.closed', 'reminder.sent', 'deadline.escalated', 'step.proceeded-without-missing']));
    const proceeded = await h.db.auditEvent.findFirst({ where: { applicationId: id, type: 'step.proceeded-without-missing' }, select: { actor: true, data: true } });
    expect(proceeded).toMatchObject({ actor: `user:${h.people.coordinator.id}`, data: { unitKey: 'unit-1', missing: [{ name: input.units[0]!.approver.name }] } });
  });
});
