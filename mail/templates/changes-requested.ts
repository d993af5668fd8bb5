import { z } from 'zod';
import { emailDocument, escapeHtml } from '../html';

export const changesRequestedProps = z.object({
  coordinatorName: z.string(),
  applicationId: z.string(),
  applicationTitle: z.string(),
  unitKey: z.string(),
  unitName: z.string(),
  requestedBy: z.string(),
  comment: z.string(),
});

/** Tells the coordinator a party asked for changes; the unit waits for a resubmission. */
export function renderChangesRequested(p: z.infer<typeof changesRequestedProps>) {
  const subject = `Changes requested: ${p.applicationTitle} — ${p.unitName}`;
  const resubmit = `k2flow resubmit ${p.applicationId} ${p.unitKey}`;
  const text = `Dear ${p.coordinatorName},

${p.requestedBy} requested changes for ${p.unitName} in "${p.applicationTitle}":

${p.comment}

When the changes are made, resubmit the unit (${resubmit}, or POST /api/applications/${p.applicationId}/units/${p.unitKey}/resubmit) and the approver will be asked again.
`;
  const html = emailDocument(subject,
    `<p>Dear ${escapeHtml(p.coordinatorName)},</p><p>${escapeHtml(p.requestedBy)} requested changes for ` +
    `<strong>${escapeHtml(p.unitName)}</strong> in “${escapeHtml(p.applicationTitle)}”:</p>` +
    `<blockquote>${escapeHtml(p.comment)}</blockquote>` +
    `<p>When the changes are made, resubmit the unit (<code>${escapeHtml(resubmit)}</code>) and the approver will be asked again.</p>`);
  return { subject, text, html };
}
