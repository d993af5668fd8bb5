import { z } from 'zod';
import { emailDocument, escapeHtml, formatDeadline } from '../html';

export const reminderProps = z.object({
  partyName: z.string(),
  applicationTitle: z.string(),
  subject: z.string(),
  what: z.string(),
  deadline: z.string(),
  link: z.url(),
});

/** Reminds a party who has not decided yet; its link replaces the earlier one. */
export function renderReminder(p: z.infer<typeof reminderProps>) {
  const subject = `Reminder: sign-off due ${formatDeadline(p.deadline)} — ${p.subject}`;
  const text = `Dear ${p.partyName},

your decision is still needed: ${p.what}
Application: ${p.applicationTitle}
Deadline: ${formatDeadline(p.deadline)}

Open this link to decide (it replaces the link in earlier emails):
${p.link}
`;
  const html = emailDocument(subject,
    `<p>Dear ${escapeHtml(p.partyName)},</p><p>your decision is still needed: <strong>${escapeHtml(p.what)}</strong></p>` +
    `<ul><li>Application: ${escapeHtml(p.applicationTitle)}</li><li>Deadline: ${escapeHtml(formatDeadline(p.deadline))}</li></ul>` +
    `<p><a href="${escapeHtml(p.link)}">Open the sign-off page</a> (this link replaces the one in earlier emails)</p>`);
  return { subject, text, html };
}
