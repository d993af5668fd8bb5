import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

describe('notifications', () => {
  it('speak Polish to a party who chose no language, English to one who chose it, each with the deadline as .ics', async () => {
    const input = makeInput({ units: 2 });
    const { language: _, ...polishApprover } = input.units[0]!.approver;
    input.units[0]!.approver = polishApprover as typeof input.units[0]['approver'];
    await api.startOk(input);

    const polish = (await h.mailbox.waitFor(polishApprover.email))[0]!;
    const english = (await h.mailbox.waitFor(input.units[1]!.approver.email))[0]!;
    expect(polish.subject).toMatch(/^Prośba o akceptację: /);
    expect(polish.text).toContain('(czasu warszawskiego)');
    expect(polish.text).toContain(`prosimy o decyzję w sprawie: Włączenie modułu K2 do projektu ${input.units[0]!.projectReference}`);
    expect(english.text).toContain(`you are asked to sign off: Include the K2 module in project ${input.units[1]!.projectReference}`);
    expect(english.subject).toMatch(/^Sign-off requested: /);

    for (const mail of [polish, english]) {
      const ics = mail.attachments.find((a) => a.filename === 'deadline.ics')!;
      expect(ics.contentType).toBe('text/calendar');
      expect(ics.content).toContain(`DTSTART:${input.deadlines.unitConfirmation.replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`);
      expect(ics.content).not.toContain('/approvals/'); // calendars are shared: never the credential
    }
  });
});

describe('decision receipts', () => {
  it('confirm to the party what was recorded, in their language, once', async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    const approver = input.units[0]!.approver.email;
    await api.decide(await api.linkFor(approver), 'request-changes', 'Budget missing');
    const receipt = await api.mail(approver, /^Decision recorded/);
    expect(receipt.text).toContain('your decision was recorded: changes requested');
    expect(receipt.text).toContain('Comment: Budget missing');
    expect(receipt.text).not.toContain('/approvals/');
    const outbox = await h.db.outboxMessage.count({ where: { applicationId: id, template: 'decision-recorded' } });
    expect(outbox).toBe(1);
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
  });
});
