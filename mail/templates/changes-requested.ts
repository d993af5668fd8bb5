import { z } from 'zod';
import { emailDocument, escapeHtml } from '../html';

export const changesRequestedProps = z.object({
  coordinatorName: z.string(),
  applicationId: z.string(),
  applicationTitle: z.string(),
  unitKey: z.string().nullable(),
  subject: z.string(),
  ask: z.string(),
  requestedBy: z.string(),
  comment: z.string(),
});

/** Tells the coordinator a party asked for changes; the unit waits for a resubmission. */
export function renderChangesRequested(p: z.infer<typeof changesRequestedProps>) {
  const subject = `Changes requested: ${p.applicationTitle} — ${p.subject}`;
  const resubmit = `k2flow resubmit ${p.applicationId}${p.unitKey ? ` ${p.unitKey}` : ''}`;
  const endpoint = `POST /api/applications/${p.applicationId}${p.unitKey ? `/units/${p.unitKey}` : ''}/resubmit`;
  const text = `Dear ${p.coordinatorName},

${p.requestedBy} requested changes to "${p.ask}" (${p.subject}, "${p.applicationTitle}"):

${p.comment}

When the changes are made, resubmit (${resubmit}, or ${endpoint}) and the parties will be asked again.
`;
  const html = emailDocument(subject,
    `<p>Dear ${escapeHtml(p.coordinatorName)},</p><p>${escapeHtml(p.requestedBy)} requested changes for ` +
    `“${escapeHtml(p.ask)}” (${escapeHtml(p.subject)}, “${escapeHtml(p.applicationTitle)}”):</p>` +
    `<blockquote>${escapeHtml(p.comment)}</blockquote>` +
    `<p>When the changes are made, resubmit (<code>${escapeHtml(resubmit)}</code>) and the parties will be asked again.</p>`);
  return { subject, text, html };
}
