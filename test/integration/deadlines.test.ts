import { describe, expect, it, vi } from 'vitest';
import { apiOf } from '../support/api';
import { makeCooperationInput, makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';
import { holdTableLock } from '../support/table-lock';

// The harness runs schedules with one "working day" = 1 second: reminders come 5, 2 and 1 units
// and a quarter unit before a deadline, escalations every unit after it.
let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const subjects = (email: string) => h.mailbox.list().filter((m) => m.to.includes(email)).map((m) => m.subject);

describe('deadlines, reminders and escalation', () => {
  it('remind only parties who have not decided; a decision stops that party’s reminders', async () => {
    // Long enough that a loaded machine still reaches the reminders before the deadline.
    const input = makeCooperationInput({ units: 1, agreementsWithinSeconds: 8 });
    const id = await api.startOk(input);
    const [unit, ksse, landster] = [input.units[0]!.approver.email, input.partners.ksse.email, input.partners.landster.email];
    await api.decide(await api.linkFor(unit), 'approve');
    await api.decide(await api.linkFor(ksse), 'approve');
    await h.mailbox.waitFor(input.coordinator.email, 1, 20_000); // deadline passed: escalation
    expect(subjects(unit).filter((s) => s.startsWith('Reminder'))).toEqual([]);
    expect(subjects(ksse).filter((s) => s.startsWith('Reminder'))).toEqual([]);
    // Three reminders fall due; under load the last may come too close to the deadline and be skipped.
    expect(subjects(landster).filter((s) => s.startsWith('Reminder')).length).toBeGreaterThanOrEqual(1);
    expect(await h.db.auditEvent.count({ where: { applicationId: id, type: { in: ['reminder.sent', 'reminder.skipped'] } } })).toBeGreaterThanOrEqual(2);
    // Each reminder that went out is on the audit trail, and nothing else is.
    const remindedCount = await h.db.auditEvent.count({ where: { applicationId: id, type: 'reminder.sent' } });
    // Recorded when queued: the outbox relay delivers each a moment later.
    await expect.poll(() => subjects(landster).filter((s) => s.startsWith('Reminder')).length, { timeout: 10_000 }).toBe(remindedCount);
    const reminded = await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'reminder.sent' }, select: { data: true } });
    expect(new Set(reminded.map((r) => (r.data as { to: string }).to))).toEqual(new Set([landster]));
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
  });

  it('escalate every working day until the coordinator extends the deadline, then remind again from the new one', async () => {
    const input = makeInput({ units: 1, confirmWithinSeconds: 2, reviewWithinSeconds: 60 });
    const approver = input.units[0]!.approver.email;
    const id = await api.startOk(input);
    const firstLink = await api.linkFor(approver);
    const escalations = await h.mailbox.waitFor(input.coordinator.email, 2, 20_000);
    expect(escalations.map((m) => m.subject)).toEqual([expect.stringContaining('Deadline missed'), expect.stringContaining('Deadline missed (reminder 2)')]);

    const newDeadline = new Date(Date.now() + 4_000).toISOString();
    const extended = await api.postJson(`/api/applications/${id}/units/unit-1/extend-deadline`, { deadline: newDeadline });
    expect(extended.status).toBe(200);
    expect(extended.body.deadline).toBe(newDeadline); // a fixed-unit schedule does not move it to a working day
    const sent = h.mailbox.list().filter((m) => m.to.includes(approver)).length;
    const reminder = (await h.mailbox.waitFor(approver, sent + 1, 10_000))[sent]!;
    expect(reminder.subject).toContain('Reminder');
    const fresh = /https?:\/\/\S+\/approvals\/\S+/.exec(reminder.text)![0];
    expect((await api.open(firstLink)).status).toBe(410); // replaced by the reminder's link
    expect((await api.decide(fresh, 'approve')).status).toBe(200);

    const request = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, step: 'unit-confirmation' }, select: { deadline: true, status: true } });
    expect(request).toEqual({ deadline: new Date(newDeadline), status: 'approved' });
    expect(await h.db.auditEvent.count({ where: { applicationId: id, type: 'deadline.extended' } })).toBe(1);
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
  });

  it("keep an extension accepted while the step's requests are still being written, and refuse an earlier one sent beside it", async () => {
    const input = makeInput({ units: 1, confirmWithinSeconds: 30, reviewWithinSeconds: 60 });
    // The step opens, and its requests wait for this lock: the window an early extension used to be lost in.
    const lock = await holdTableLock(h.databaseUrl, 'ApprovalRequest');
    const later = new Date(Date.now() + 50_000).toISOString();
    let id: string;
    try {
      id = await api.startOk(input);
      const extend = (deadline: string) => api.postJson(`/api/applications/${id}/units/unit-1/extend-deadline`, { deadline });
      await vi.waitFor(async () => expect((await extend(later)).status).toBe(200), { timeout: 20_000, interval: 200 });
      // Sent beside it, an extension to an earlier moment is refused, not left to overwrite the later.
      const earlier = await extend(new Date(Date.now() + 40_000).toISOString());
      expect(earlier.status).toBe(400);
      expect(earlier.body.error.message).toContain(later);
    } finally {
      await lock.release();
    }
    await expect.poll(async () => (await h.db.approvalRequest.findFirst({ where: { applicationId: id, step: 'unit-confirmation' }, select: { deadline: true } }))?.deadline.toISOString(), { timeout: 20_000 }).toBe(later);
    await expect.poll(() => h.db.auditEvent.count({ where: { applicationId: id, type: 'deadline.extended' } }), { timeout: 10_000 }).toBe(1);
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
  });

  it('follow the reminder schedule an application sets for itself', async () => {
    const input = { ...makeInput({ units: 1, confirmWithinSeconds: 3 }), reminders: { workingDaysBefore: [1], onDeadlineMorning: false } };
    const id = await api.startOk(input);
    const approver = input.units[0]!.approver.email;
    await api.mail(input.coordinator.email, /^Deadline missed/);
    await expect.poll(() => subjects(approver).filter((s) => s.startsWith('Reminder')).length, { timeout: 10_000 }).toBe(1);
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
  });

  it('refuse to go on without missing parties before the deadline, or where the step needs everyone', async () => {
    const v1 = makeInput({ units: 1 });
    const early = await api.startOk(v1);
    await api.linkFor(v1.units[0]!.approver.email);
    const refused = await api.postJson(`/api/applications/${early}/units/unit-1/proceed`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('has not passed');
    expect((await api.postJson(`/api/applications/${early}/units/unit-1/extend-deadline`, { deadline: '2020-01-01T00:00:00Z' })).status).toBe(400);

    const v3 = makeCooperationInput({ units: 1, agreementsWithinSeconds: 2 });
    const id = await api.startOk(v3);
    await h.mailbox.waitFor(v3.coordinator.email, 1, 20_000);
    const notAllowed = await api.postJson(`/api/applications/${id}/units/unit-1/proceed`, {});
    expect(notAllowed.status).toBe(409);
    expect(notAllowed.body.error.message).toContain('cannot go on without its missing parties');
    for (const app of [early, id]) await api.postJson(`/api/applications/${app}/withdraw`, { reason: 'Test over' });
  });

  it('skip, and record as skipped, the reminders a worker outage made stale; the escalation still goes out', async () => {
    const input = makeInput({ units: 1, confirmWithinSeconds: 12, reviewWithinSeconds: 60 });
    const approver = input.units[0]!.approver.email;
    const id = await api.startOk(input);
    await api.linkFor(approver); // the invitation is out; the reminders come 5, 2, 1 and ¼ units before the deadline
    // Once the unit workflow waits on its first reminder's timer, the worker goes away.
    const unitWorkflow = h.temporal.workflow.getHandle(`${id}:modules:unit-1`);
    await expect.poll(async () => ((await unitWorkflow.fetchHistory()).events ?? []).some((e) => e.timerStartedEventAttributes), { timeout: 10_000 }).toBe(true);
    await h.pauseWorker();
    const deadline = Date.parse(input.deadlines.unitConfirmation);
    try {
      // The server's timers fire across every reminder and the deadline while no worker is there.
      await expect.poll(() => Date.now() > deadline + 500, { timeout: 20_000, interval: 250 }).toBe(true);
    } finally {
      await h.resumeWorker();
    }
    await expect.poll(() => h.db.auditEvent.count({ where: { applicationId: id, type: 'deadline.escalated' } }), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(subjects(approver).filter((s) => s.startsWith('Reminder'))).toEqual([]);
    const skipped = await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'reminder.skipped' }, select: { data: true } });
    expect(skipped.map((e) => (e.data as { reason: string }).reason)).toEqual(['after-deadline', 'after-deadline', 'after-deadline', 'after-deadline']);
    expect(await h.db.auditEvent.count({ where: { applicationId: id, type: 'reminder.sent' } })).toBe(0);
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
  });

  it('reopen a step sent back after its deadline with a deadline ahead, so the new link works', async () => {
    const input = makeInput({ units: 1, confirmWithinSeconds: 3, reviewWithinSeconds: 60 });
    const approver = input.units[0]!.approver.email;
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(approver), 'approve');
    const review = await api.linkFor(input.coordinator.email);
    const original = Date.parse(input.deadlines.unitConfirmation);
    await expect.poll(() => Date.now() > original, { timeout: 10_000, interval: 100 }).toBe(true);
    expect((await api.decide(review, 'request-changes', 'Name the employer partner')).status).toBe(200);
    const again = await api.linkFor(approver, 2); // unit confirmation reopened, round 2
    expect((await api.open(again)).status).toBe(200);
    const reopened = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, step: 'unit-confirmation', round: 2 }, select: { deadline: true } });
    expect(reopened.deadline.getTime()).toBeGreaterThan(Date.now());
    expect((await api.decide(again, 'approve')).status).toBe(200);
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
  });

  it('give a step first opened after a send-back a deadline ahead when its own has passed', async () => {
    const input = makeInput({ units: 1, confirmWithinSeconds: 3, reviewWithinSeconds: 5 });
    const approver = input.units[0]!.approver.email;
    const id = await api.startOk(input);
    expect((await api.decide(await api.linkFor(approver), 'request-changes', 'Add the welding workshop')).status).toBe(200);
    // Resubmitted after the coordinator review's own deadline has gone by.
    const review = Date.parse(input.deadlines.coordinatorReview);
    await expect.poll(() => Date.now() > review, { timeout: 10_000, interval: 100 }).toBe(true);
    await vi.waitFor(async () => expect((await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, { note: 'Workshop added' })).status).toBe(200), { timeout: 10_000 });
    expect((await api.decide(await api.linkFor(approver, 2), 'approve')).status).toBe(200);
    const link = await api.linkFor(input.coordinator.email);
    expect((await api.open(link)).status).toBe(200);
    const opened = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, step: 'coordinator-review' }, select: { deadline: true } });
    expect(opened.deadline.getTime()).toBeGreaterThan(Date.now());
    expect((await api.decide(link, 'approve')).status).toBe(200);
    expect(await api.result(id)).toMatchObject({ status: 'approved' });
  });

  it('wait for a resubmission as a step: its own deadline, a reminder, escalation, extension, and no silent expiry', async () => {
    const input = makeInput({ units: 1, confirmWithinSeconds: 3, reviewWithinSeconds: 60 });
    const approver = input.units[0]!.approver.email;
    const id = await api.startOk(input);
    expect((await api.decide(await api.linkFor(approver), 'request-changes', 'Add the welding workshop')).status).toBe(200);
    // Due 5 "working days" after the request at the latest; reminded one before, escalated after.
    await expect.poll(() => h.db.auditEvent.count({ where: { applicationId: id, type: 'resubmission.escalated' } }), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await h.db.auditEvent.count({ where: { applicationId: id, type: 'resubmission.reminded' } })).toBe(1);
    await api.mail(input.coordinator.email, /Resubmission overdue/); // the escalation is audited when queued, delivered a moment later
    const state = (await api.getJson(`/api/applications/${id}`)).body.state.units[0];
    expect(state.status).toBe('changes-requested');
    expect(Date.parse(state.resubmitBy)).toBeLessThan(Date.now());

    const later = new Date(Date.now() + 60_000).toISOString();
    const extended = await api.postJson(`/api/applications/${id}/units/unit-1/extend-deadline`, { deadline: later });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    await expect.poll(async () => (await api.getJson(`/api/applications/${id}`)).body.state.units[0].resubmitBy, { timeout: 10_000 }).toBe(later);

    const newDeadline = new Date(Date.now() + 120_000).toISOString();
    expect((await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, { note: 'Workshop added', deadline: newDeadline })).status).toBe(200);
    const again = await api.linkFor(approver, 2);
    expect((await api.open(again)).status).toBe(200);
    const reopened = await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id, step: 'unit-confirmation', round: 2 }, select: { deadline: true } });
    expect(reopened.deadline.toISOString()).toBe(newDeadline);
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
  });
});
