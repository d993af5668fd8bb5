import { z } from 'zod';
import { messagesFor } from '../../i18n/messages';
import { bilingualBody, concerning, escapeHtml, formatDeadline, type Lang } from '../html';

// The emails to the parties asked to decide. Every sentence comes from the catalogue (i18n/).

export const linkParagraph = (link: string, label: string, note: string) => ({
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
  const m = messagesFor(lang).mail;
  const subject = `${m.approvalRequest.subject}: ${concerning(p.applicationTitle, p.subject)}`;
  const body = bilingualBody(lang, [
    m.salutation(p.partyName),
    `${m.approvalRequest.ask}: ${p.what}`,
    [`${m.application}: ${p.applicationTitle}`, ...(p.subject !== p.applicationTitle ? [`${m.concerning}: ${p.subject}`] : []), `${m.deadline}: ${formatDeadline(p.deadline, lang)}`].join('\n'),
    ...(p.previousComment ? [`${m.approvalRequest.previousComment}: ${p.previousComment}`] : []),
    linkParagraph(p.link, m.approvalRequest.open, ''),
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}

export const deputyInvitationProps = z.object({
  deputyName: z.string(),
  partyName: z.string(),
  namedBy: z.string(),
  applicationTitle: z.string(),
  subject: z.string(),
  what: z.string(),
  deadline: z.string(),
  until: z.string().nullable(),
  link: z.url(),
});

/** Invites a deputy to decide on behalf of a party, with a link of their own. */
export function renderDeputyInvitation(p: z.infer<typeof deputyInvitationProps>, lang: Lang) {
  const m = messagesFor(lang).mail;
  const subject = `${m.deputyInvitation.subject}: ${concerning(p.applicationTitle, p.subject)}`;
  const body = bilingualBody(lang, [
    m.salutation(p.deputyName),
    m.deputyInvitation.named(p.partyName, p.namedBy),
    `${m.approvalRequest.ask}: ${p.what}`,
    [`${m.application}: ${p.applicationTitle}`, ...(p.subject !== p.applicationTitle ? [`${m.concerning}: ${p.subject}`] : []), `${m.deadline}: ${formatDeadline(p.deadline, lang)}`].join('\n'),
    ...(p.until ? [m.deputyInvitation.until(formatDeadline(p.until, lang))] : []),
    linkParagraph(p.link, m.deputyInvitation.open, ''),
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}

export const reminderProps = approvalRequestProps.omit({ previousComment: true });

/** Reminds a party who has not decided yet; its link replaces the earlier one. */
export function renderReminder(p: z.infer<typeof reminderProps>, lang: Lang) {
  const m = messagesFor(lang).mail;
  const subject = `${m.reminder.subject(formatDeadline(p.deadline, lang))} — ${p.subject}`;
  const body = bilingualBody(lang, [
    m.salutation(p.partyName),
    `${m.reminder.ask}: ${p.what}`,
    `${m.application}: ${p.applicationTitle}\n${m.deadline}: ${formatDeadline(p.deadline, lang)}`,
    linkParagraph(p.link, m.reminder.open, m.reminder.replaces),
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

/** Tells a party with a pending link that it no longer accepts decisions, and why. */
export function renderRequestClosed(p: z.infer<typeof requestClosedProps>, lang: Lang) {
  const m = messagesFor(lang).mail;
  const subject = `${m.requestClosed.subject}: ${p.applicationTitle}`;
  const body = bilingualBody(lang, [
    m.salutation(p.partyName),
    `${m.requestClosed.body}: ${p.ask}`,
    `${m.application}: ${p.applicationTitle}\n${m.reason}: ${m.requestClosed.because[p.status]}: ${p.detail}`,
    m.requestClosed.linkDead,
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

/** A receipt for the party who decided: what was recorded, and when. */
export function renderDecisionRecorded(p: z.infer<typeof decisionRecordedProps>, lang: Lang) {
  const m = messagesFor(lang).mail;
  const subject = `${m.decisionRecorded.subject}: ${concerning(p.applicationTitle, p.subject)}`;
  const body = bilingualBody(lang, [
    m.salutation(p.partyName),
    `${m.decisionRecorded.body}: ${m.decisionRecorded.decision[p.decision]} (${formatDeadline(p.decidedAt, lang).replace(/ \(.*\)$/, '')}).`,
    `${m.concerning}: ${p.ask}`,
    ...(p.services?.length ? [`${m.services}: ${p.services.join(', ')}`] : []),
    ...(p.comment ? [`${m.comment}: ${p.comment}`] : []),
    ...(p.late ? [m.decisionRecorded.late] : []),
  ]);
  return { subject, text: body.text, html: body.html(subject) };
}
