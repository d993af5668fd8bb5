import { z } from 'zod';
import { emailDocument, escapeHtml } from '../html';

export const applicationClosedProps = z.object({
  coordinatorName: z.string(),
  applicationTitle: z.string(),
  status: z.string(),
  units: z.array(z.object({ name: z.string(), outcome: z.string() })),
});

/** Reports an application's end state and each unit's outcome to the coordinator. */
export function renderApplicationClosed(p: z.infer<typeof applicationClosedProps>) {
  const subject = `Application ${p.status}: ${p.applicationTitle}`;
  const lines = p.units.map((u) => `- ${u.name}: ${u.outcome}`).join('\n');
  const text = `Dear ${p.coordinatorName},\n\nthe application "${p.applicationTitle}" is ${p.status}.\n\n${lines}\n`;
  const html = emailDocument(subject,
    `<p>Dear ${escapeHtml(p.coordinatorName)},</p><p>the application “${escapeHtml(p.applicationTitle)}” is <strong>${escapeHtml(p.status)}</strong>.</p>` +
    `<ul>${p.units.map((u) => `<li>${escapeHtml(u.name)}: ${escapeHtml(u.outcome)}</li>`).join('')}</ul>`);
  return { subject, text, html };
}
