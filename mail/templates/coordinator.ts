import { z } from 'zod';
import { messagesFor, wordFor } from '../../i18n/messages';
import { bilingualBody, concerning, formatDeadline, type Lang } from '../html';
import { linkParagraph } from './requests';

// The emails to the coordinator: what happened and what they can do about it, on the
// application's page or with the CLI. Every sentence comes from the catalogue (i18n/).

/** The application's page, where every coordinator action is (optional: histories recorded before it had none). */
const page = z.url().optional();

/** The page's link, and the CLI's commands beside it. */
function actions(lang: Lang, pageLink: string | undefined, commands: string[]) {
  const m = messagesFor(lang).mail;
  return [
    ...(pageLink ? [linkParagraph(pageLink, m.openApplication, '')] : []),
    `${m.youCan}${pageLink ? ` (${m.orWithCli})` : ''}:\n${commands.map((o) => `- ${o}`).join('\n')}`,
  ];
}

export const changesRequestedProps = z.object({
  coordinatorName: z.string(),
  applicationId: z.string(),
  applicationTitle: z.string(),
  unitKey: z.string().nullable(),
  subject: z.string(),
  ask: z.string(),
  requestedBy: z.string(),
  comment: z.string(),
  page,
});

/** Tells the coordinator a party asked for changes; the work waits for a resubmission. */
export function renderChangesRequested(p: z.infer<typeof changesRequestedProps>, lang: Lang) {
  const m = messagesFor(lang).mail;
  const subject = `${m.changesRequested.subject}: ${concerning(p.applicationTitle, p.subject)}`;
  const resubmit = `k2flow resubmit ${p.applicationId}${p.unitKey ? ` ${p.unitKey}` : ''}`;
  const body = bilingualBody(lang, [
    m.salutation(p.coordinatorName),
    m.changesRequested.body(p.requestedBy, p.ask, concerning(p.applicationTitle, p.subject)),
    p.comment,
    m.changesRequested.then(resubmit),
    ...(p.page ? [linkParagraph(p.page, m.openApplication, '')] : []),
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}

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
  page,
});

/** Tells the coordinator a deadline passed with parties missing, and each way to act. */
export function renderDeadlineMissed(p: z.infer<typeof deadlineMissedProps>, lang: Lang) {
  const m = messagesFor(lang).mail;
  const subject = `${m.deadlineMissed.subject}${p.escalation > 1 ? m.again(p.escalation) : ''}: ${p.subject}`;
  const unit = p.unitKey ? ` --unit ${p.unitKey}` : '';
  const commands = [
    `${m.extend}: k2flow extend ${p.applicationId}${unit} --deadline <ISO 8601>`,
    ...(p.canProceed ? [`${m.proceed}: k2flow proceed ${p.applicationId}${unit}`] : []),
    `${m.withdraw}: k2flow withdraw ${p.applicationId} --reason "…"`,
  ];
  const body = bilingualBody(lang, [
    m.salutation(p.coordinatorName),
    `${m.deadlineMissed.body(formatDeadline(p.deadline, lang), p.ask, p.subject)} ${m.deadlineMissed.missing}:\n${p.missing.map((x) => `- ${x}`).join('\n')}`,
    ...actions(lang, p.page, commands),
    m.toldDaily,
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}

export const applicationClosedProps = z.object({
  coordinatorName: z.string(),
  applicationTitle: z.string(),
  status: z.string(),
  units: z.array(z.object({ name: z.string(), outcome: z.string() })),
  page,
});

/** Reports an application's end state (completed, failed or withdrawn) and each unit's outcome. */
export function renderApplicationClosed(p: z.infer<typeof applicationClosedProps>, lang: Lang) {
  const m = messagesFor(lang).mail;
  const status = (m.applicationClosed.status as Record<string, string>)[p.status] ?? p.status;
  const subject = `${m.applicationClosed.subject(status)}: ${p.applicationTitle}`;
  const body = bilingualBody(lang, [
    m.salutation(p.coordinatorName),
    m.applicationClosed.body(p.applicationTitle, status),
    p.units.map((u) => `- ${u.name}: ${wordFor('unitStatus', u.outcome, lang)}`).join('\n'),
    ...(p.page ? [linkParagraph(p.page, m.openApplication, '')] : []),
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}

export const resubmissionDueProps = z.object({
  coordinatorName: z.string(),
  applicationId: z.string(),
  unitKey: z.string().nullable(),
  subject: z.string(),
  ask: z.string(),
  comment: z.string(),
  deadline: z.string(),
  /** 0: a reminder before the deadline; 1, 2, …: the deadline passed, told for the nth time. */
  escalation: z.number().int().min(0),
  page,
});

/** Reminds the coordinator that work sent back with changes waits for their resubmission, before and after its deadline. */
export function renderResubmissionDue(p: z.infer<typeof resubmissionDueProps>, lang: Lang) {
  const m = messagesFor(lang).mail;
  const r = m.resubmissionDue;
  const overdue = p.escalation > 0;
  const deadline = formatDeadline(p.deadline, lang);
  const subject = overdue ? `${r.overdueSubject}${p.escalation > 1 ? m.again(p.escalation) : ''}: ${p.subject}` : `${r.reminderSubject(deadline)} — ${p.subject}`;
  const unit = p.unitKey ? ` ${p.unitKey}` : '';
  const commands = [
    `${m.resubmit}: k2flow resubmit ${p.applicationId}${unit} --note "…"`,
    `${m.extend}: k2flow extend ${p.applicationId}${p.unitKey ? ` --unit ${p.unitKey}` : ''} --deadline <ISO 8601>`,
    `${m.withdraw}: k2flow withdraw ${p.applicationId} --reason "…"`,
  ];
  const body = bilingualBody(lang, [
    m.salutation(p.coordinatorName),
    overdue ? r.overdue(deadline, p.ask, p.subject) : r.waiting(deadline, p.ask, p.subject),
    `${r.asked}: ${p.comment}`,
    ...actions(lang, p.page, commands),
    ...(overdue ? [m.toldDaily] : []),
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}
