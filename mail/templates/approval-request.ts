import { z } from 'zod';
import { emailDocument, escapeHtml, formatDeadline } from '../html';

export const approvalRequestProps = z.object({
  partyName: z.string(),
  applicationTitle: z.string(),
  subject: z.string(),
  what: z.string(),
  deadline: z.string(),
  link: z.url(),
  previousComment: z.string().optional(),
});

/** Asks one party to sign off one step; the link is the party's credential. */
export function renderApprovalRequest(p: z.infer<typeof approvalRequestProps>) {
  const subject = `Sign-off requested: ${p.applicationTitle} — ${p.subject}`;
  const comment = p.previousComment ? `\nComment from the previous round: ${p.previousComment}\n` : '';
  const text = `Dear ${p.partyName},

you are asked to sign off: ${p.what}
Application: ${p.applicationTitle}
Concerning: ${p.subject}
Deadline: ${formatDeadline(p.deadline)}
${comment}
Open this link to read the request and approve, reject or request changes:
${p.link}
`;
  const html = emailDocument(subject,
    `<p>Dear ${escapeHtml(p.partyName)},</p><p>you are asked to sign off: <strong>${escapeHtml(p.what)}</strong></p>` +
    `<ul><li>Application: ${escapeHtml(p.applicationTitle)}</li><li>Concerning: ${escapeHtml(p.subject)}</li>` +
    `<li>Deadline: ${escapeHtml(formatDeadline(p.deadline))}</li></ul>` +
    (p.previousComment ? `<p>Comment from the previous round: <em>${escapeHtml(p.previousComment)}</em></p>` : '') +
    `<p><a href="${escapeHtml(p.link)}">Open the sign-off page</a></p>`);
  return { subject, text, html };
}
