import { z } from 'zod';
import { emailDocument, escapeHtml, formatDeadline } from '../html';

export const deadlineMissedProps = z.object({
  coordinatorName: z.string(),
  applicationId: z.string(),
  unitKey: z.string().nullable(),
  subject: z.string(),
  ask: z.string(),
  deadline: z.string(),
  missing: z.array(z.string()),
  canProceed: z.boolean(),
  escalation: z.number().int().min(1),
});

/** Tells the coordinator a deadline passed with parties missing, and each way to act. */
export function renderDeadlineMissed(p: z.infer<typeof deadlineMissedProps>) {
  const subject = `Deadline missed${p.escalation > 1 ? ` (reminder ${p.escalation})` : ''}: ${p.subject}`;
  const unit = p.unitKey ? ` --unit ${p.unitKey}` : '';
  const options = [
    `extend the deadline: k2flow extend ${p.applicationId}${unit} --deadline <ISO date-time>`,
    ...(p.canProceed ? [`go on without them: k2flow proceed ${p.applicationId}${unit}`] : []),
    `withdraw the application: k2flow withdraw ${p.applicationId} --reason "…"`,
  ];
  const text = `Dear ${p.coordinatorName},

the deadline ${formatDeadline(p.deadline)} for "${p.ask}" (${p.subject}) has passed. Still missing:
${p.missing.map((m) => `- ${m}`).join('\n')}

You can:
${options.map((o) => `- ${o}`).join('\n')}

You will be told again every working day until you act.
`;
  const html = emailDocument(subject,
    `<p>Dear ${escapeHtml(p.coordinatorName)},</p><p>the deadline ${escapeHtml(formatDeadline(p.deadline))} for “${escapeHtml(p.ask)}” (${escapeHtml(p.subject)}) has passed. Still missing:</p>` +
    `<ul>${p.missing.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul><p>You can:</p><ul>${options.map((o) => `<li><code>${escapeHtml(o)}</code></li>`).join('')}</ul>` +
    `<p>You will be told again every working day until you act.</p>`);
  return { subject, text, html };
}
