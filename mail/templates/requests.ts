import { z } from 'zod';
import { bilingualBody, concerning, salutation, escapeHtml, formatDeadline, type Lang } from '../html';

const linkParagraph = (link: string, label: string, note: string) => ({
  text: `${label}${note ? ` (${note})` : ''}:\n${link}`,
  html: `<p><a href="${escapeHtml(link)}">${escapeHtml(label)}</a>${note ? ` (${escapeHtml(note)})` : ''}</p>`,
});

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
export function renderApprovalRequest(p: z.infer<typeof approvalRequestProps>, lang: Lang) {
  const pl = lang === 'pl';
  const subject = `${pl ? 'Prośba o akceptację' : 'Sign-off requested'}: ${concerning(p.applicationTitle, p.subject)}`;
  const body = bilingualBody(lang, [
    salutation(p.partyName, lang),
    `${pl ? 'prosimy o decyzję w sprawie' : 'you are asked to sign off'}: ${p.what}`,
    [`${pl ? 'Wniosek' : 'Application'}: ${p.applicationTitle}`, ...(p.subject !== p.applicationTitle ? [`${pl ? 'Dotyczy' : 'Concerning'}: ${p.subject}`] : []), `${pl ? 'Termin' : 'Deadline'}: ${formatDeadline(p.deadline, lang)}`].join('\n'),
    ...(p.previousComment ? [`${pl ? 'Uwagi z poprzedniej rundy' : 'Comment from the previous round'}: ${p.previousComment}`] : []),
    linkParagraph(p.link, pl ? 'Otwórz stronę decyzji (akceptacja, odrzucenie lub prośba o zmiany)' : 'Open the sign-off page to approve, reject or request changes', ''),
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}

export const reminderProps = approvalRequestProps.omit({ previousComment: true });

/** Reminds a party who has not decided yet; its link replaces the earlier one. */
export function renderReminder(p: z.infer<typeof reminderProps>, lang: Lang) {
  const pl = lang === 'pl';
  const subject = `${pl ? 'Przypomnienie: termin' : 'Reminder: sign-off due'} ${formatDeadline(p.deadline, lang)} — ${p.subject}`;
  const body = bilingualBody(lang, [
    salutation(p.partyName, lang),
    `${pl ? 'wciąż czekamy na decyzję w sprawie' : 'your decision is still needed'}: ${p.what}`,
    `${pl ? 'Wniosek' : 'Application'}: ${p.applicationTitle}\n${pl ? 'Termin' : 'Deadline'}: ${formatDeadline(p.deadline, lang)}`,
    linkParagraph(p.link, pl ? 'Otwórz stronę decyzji' : 'Open the sign-off page', pl ? 'ten link zastępuje link z wcześniejszych wiadomości' : 'this link replaces the one in earlier emails'),
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}

export const requestClosedProps = z.object({
  partyName: z.string(),
  applicationTitle: z.string(),
  ask: z.string(),
  status: z.enum(['withdrawn', 'removed', 'expired', 'closed']),
  detail: z.string(),
});

const closedBecause: Record<Lang, Record<z.infer<typeof requestClosedProps>['status'], string>> = {
  pl: { withdrawn: 'wniosek został wycofany', removed: 'jednostka została usunięta z wniosku', expired: 'minął termin', closed: 'etap zakończył się bez tej decyzji' },
  en: { withdrawn: 'the application was withdrawn', removed: 'the unit was removed from the application', expired: 'its deadline passed', closed: 'the step was decided without it' },
};

/** Tells a party with a pending link that it no longer accepts decisions, and why. */
export function renderRequestClosed(p: z.infer<typeof requestClosedProps>, lang: Lang) {
  const pl = lang === 'pl';
  const subject = `${pl ? 'Decyzja nie jest już potrzebna' : 'No longer needed'}: ${p.applicationTitle}`;
  const body = bilingualBody(lang, [
    salutation(p.partyName, lang),
    `${pl ? 'decyzja nie jest już potrzebna w sprawie' : 'you no longer need to sign off'}: ${p.ask}`,
    `${pl ? 'Wniosek' : 'Application'}: ${p.applicationTitle}\n${pl ? 'Powód' : 'Reason'}: ${closedBecause[lang][p.status]}: ${p.detail}`,
    pl ? 'Otrzymany wcześniej link nie przyjmuje już decyzji.' : 'The link you received earlier no longer accepts decisions.',
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}

export const decisionRecordedProps = z.object({
  partyName: z.string(),
  applicationTitle: z.string(),
  subject: z.string(),
  ask: z.string(),
  decision: z.enum(['approved', 'rejected', 'changes-requested', 'declared', 'declined']),
  decidedAt: z.string(),
  comment: z.string().nullable(),
  services: z.array(z.string()).nullable(),
  late: z.boolean(),
});

const decisionWord: Record<Lang, Record<z.infer<typeof decisionRecordedProps>['decision'], string>> = {
  pl: { approved: 'akceptacja', rejected: 'odrzucenie', 'changes-requested': 'prośba o zmiany', declared: 'deklaracja usług', declined: 'rezygnacja' },
  en: { approved: 'approved', rejected: 'rejected', 'changes-requested': 'changes requested', declared: 'services declared', declined: 'declined' },
};

/** A receipt for the party who decided: what was recorded, and when. */
export function renderDecisionRecorded(p: z.infer<typeof decisionRecordedProps>, lang: Lang) {
  const pl = lang === 'pl';
  const subject = `${pl ? 'Decyzja zapisana' : 'Decision recorded'}: ${concerning(p.applicationTitle, p.subject)}`;
  const body = bilingualBody(lang, [
    salutation(p.partyName, lang),
    `${pl ? 'zapisaliśmy Państwa decyzję' : 'your decision was recorded'}: ${decisionWord[lang][p.decision]} (${formatDeadline(p.decidedAt, lang).replace(/ \(.*\)$/, '')}).`,
    `${pl ? 'Dotyczy' : 'Concerning'}: ${p.ask}`,
    ...(p.services?.length ? [`${pl ? 'Usługi' : 'Services'}: ${p.services.join(', ')}`] : []),
    ...(p.comment ? [`${pl ? 'Komentarz' : 'Comment'}: ${p.comment}`] : []),
    ...(p.late ? [pl ? 'Decyzja wpłynęła po terminie i została zapisana jako spóźniona.' : 'It came after the deadline and is recorded as late.'] : []),
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}
