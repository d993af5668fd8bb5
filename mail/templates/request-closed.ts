import { z } from 'zod';
import { emailDocument, escapeHtml } from '../html';

export const requestClosedProps = z.object({
  partyName: z.string(),
  applicationTitle: z.string(),
  ask: z.string(),
  reason: z.string(),
});

/** Tells a party with a pending link that it no longer accepts decisions, and why. */
export function renderRequestClosed(p: z.infer<typeof requestClosedProps>) {
  const subject = `No longer needed: ${p.applicationTitle}`;
  const text = `Dear ${p.partyName},\n\nyou no longer need to sign off: ${p.ask}\nApplication: ${p.applicationTitle}\nReason: ${p.reason}\n\nThe link you received earlier no longer accepts decisions.\n`;
  const html = emailDocument(subject,
    `<p>Dear ${escapeHtml(p.partyName)},</p><p>you no longer need to sign off: <strong>${escapeHtml(p.ask)}</strong></p>` +
    `<ul><li>Application: ${escapeHtml(p.applicationTitle)}</li><li>Reason: ${escapeHtml(p.reason)}</li></ul>` +
    `<p>The link you received earlier no longer accepts decisions.</p>`);
  return { subject, text, html };
}
