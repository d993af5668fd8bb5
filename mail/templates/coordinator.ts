import { z } from 'zod';
import { bilingualBody, concerning, salutation, formatDeadline, type Lang } from '../html';

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

/** Tells the coordinator a party asked for changes; the work waits for a resubmission. */
export function renderChangesRequested(p: z.infer<typeof changesRequestedProps>, lang: Lang) {
  const pl = lang === 'pl';
  const subject = `${pl ? 'Prośba o zmiany' : 'Changes requested'}: ${concerning(p.applicationTitle, p.subject)}`;
  const resubmit = `k2flow resubmit ${p.applicationId}${p.unitKey ? ` ${p.unitKey}` : ''}`;
  const body = bilingualBody(lang, [
    salutation(p.coordinatorName, lang),
    `${p.requestedBy} ${pl ? 'prosi o zmiany w' : 'requested changes to'} "${p.ask}" (${concerning(p.applicationTitle, p.subject)}):`,
    p.comment,
    pl
      ? `Po wprowadzeniu zmian prosimy ponownie przekazać sprawę (${resubmit}); strony zostaną zapytane ponownie.`
      : `When the changes are made, resubmit (${resubmit}) and the parties will be asked again.`,
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
});

/** Tells the coordinator a deadline passed with parties missing, and each way to act. */
export function renderDeadlineMissed(p: z.infer<typeof deadlineMissedProps>, lang: Lang) {
  const pl = lang === 'pl';
  const again = p.escalation > 1 ? (pl ? ` (przypomnienie ${p.escalation})` : ` (reminder ${p.escalation})`) : '';
  const subject = `${pl ? 'Minął termin' : 'Deadline missed'}${again}: ${p.subject}`;
  const unit = p.unitKey ? ` --unit ${p.unitKey}` : '';
  const options = [
    `${pl ? 'przedłużyć termin' : 'extend the deadline'}: k2flow extend ${p.applicationId}${unit} --deadline <ISO 8601>`,
    ...(p.canProceed ? [`${pl ? 'kontynuować bez brakujących stron' : 'go on without them'}: k2flow proceed ${p.applicationId}${unit}`] : []),
    `${pl ? 'wycofać wniosek' : 'withdraw the application'}: k2flow withdraw ${p.applicationId} --reason "…"`,
  ];
  const body = bilingualBody(lang, [
    salutation(p.coordinatorName, lang),
    `${pl ? 'minął termin' : 'the deadline'} ${formatDeadline(p.deadline, lang)} ${pl ? 'w sprawie' : 'for'} "${p.ask}" (${p.subject})${pl ? '.' : ' has passed.'} ${pl ? 'Brakuje decyzji' : 'Still missing'}:\n${p.missing.map((m) => `- ${m}`).join('\n')}`,
    `${pl ? 'Możliwe działania' : 'You can'}:\n${options.map((o) => `- ${o}`).join('\n')}`,
    pl ? 'Będziemy przypominać w każdy dzień roboczy, dopóki nie zostanie podjęte działanie.' : 'You will be told again every working day until you act.',
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}

export const applicationClosedProps = z.object({
  coordinatorName: z.string(),
  applicationTitle: z.string(),
  status: z.string(),
  units: z.array(z.object({ name: z.string(), outcome: z.string() })),
});

const statusWord: Record<Lang, Record<string, string>> = {
  pl: { approved: 'zatwierdzony', submitted: 'złożony', concluded: 'zawarty', rejected: 'odrzucony', failed: 'nieudany', lapsed: 'wygasły', withdrawn: 'wycofany' },
  en: {},
};

/** Reports an application's end state (completed, failed or withdrawn) and each unit's outcome. */
export function renderApplicationClosed(p: z.infer<typeof applicationClosedProps>, lang: Lang) {
  const pl = lang === 'pl';
  const status = statusWord[lang][p.status] ?? p.status;
  const subject = `${pl ? 'Wniosek' : 'Application'} ${status}: ${p.applicationTitle}`;
  const body = bilingualBody(lang, [
    salutation(p.coordinatorName, lang),
    `${pl ? 'wniosek' : 'the application'} "${p.applicationTitle}" ${pl ? 'ma status' : 'is'}: ${status}.`,
    p.units.map((u) => `- ${u.name}: ${u.outcome}`).join('\n'),
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
});

/** Reminds the coordinator that work sent back with changes waits for their resubmission, before and after its deadline. */
export function renderResubmissionDue(p: z.infer<typeof resubmissionDueProps>, lang: Lang) {
  const pl = lang === 'pl';
  const overdue = p.escalation > 0;
  const again = p.escalation > 1 ? (pl ? ` (przypomnienie ${p.escalation})` : ` (reminder ${p.escalation})`) : '';
  const subject = overdue
    ? `${pl ? 'Minął termin ponownego przekazania' : 'Resubmission overdue'}${again}: ${p.subject}`
    : `${pl ? 'Przypomnienie: ponowne przekazanie do' : 'Reminder: resubmit by'} ${formatDeadline(p.deadline, lang)} — ${p.subject}`;
  const unit = p.unitKey ? ` ${p.unitKey}` : '';
  const options = [
    `${pl ? 'przekazać ponownie po zmianach' : 'resubmit after the changes'}: k2flow resubmit ${p.applicationId}${unit} --note "…"`,
    `${pl ? 'przedłużyć termin' : 'extend the deadline'}: k2flow extend ${p.applicationId}${p.unitKey ? ` --unit ${p.unitKey}` : ''} --deadline <ISO 8601>`,
    `${pl ? 'wycofać wniosek' : 'withdraw the application'}: k2flow withdraw ${p.applicationId} --reason "…"`,
  ];
  const body = bilingualBody(lang, [
    salutation(p.coordinatorName, lang),
    overdue
      ? `${pl ? 'minął termin' : 'the deadline'} ${formatDeadline(p.deadline, lang)} ${pl ? 'ponownego przekazania' : 'to resubmit'} "${p.ask}" (${p.subject})${pl ? ' po prośbie o zmiany.' : ' after changes were requested has passed.'}`
      : `${pl ? 'czekamy na ponowne przekazanie' : 'we are waiting for you to resubmit'} "${p.ask}" (${p.subject}) ${pl ? 'do' : 'by'} ${formatDeadline(p.deadline, lang)}.`,
    `${pl ? 'Prośba o zmiany' : 'The changes asked for'}: ${p.comment}`,
    `${pl ? 'Możliwe działania' : 'You can'}:\n${options.map((o) => `- ${o}`).join('\n')}`,
    ...(overdue ? [pl ? 'Będziemy przypominać w każdy dzień roboczy, dopóki nie zostanie podjęte działanie.' : 'You will be told again every working day until you act.'] : []),
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}
