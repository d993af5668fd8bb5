import { messagesFor, roleName, statusName, type Messages, wordFor } from '../../../i18n/messages';
import { escapeHtml, formatDeadline, type Lang } from '../../../mail/html';
import { allowedDecisions } from '../../../workflows/engine/verdict';
import type { RecordedDecision } from '../../../workflows/engine/state';
import type { ApprovalContext } from '../../services/approval-context';
import type { DocumentRef } from '../../../domain/document-ref';
import type { ApprovalLinkView } from '../../services/approvals';
import { stripControlCharacters } from '../../../domain/plain-text';
import { consequenceOf } from './consequences';
import { sizeText } from '../../../i18n/size-text';
import { languageSwitch, page } from './layout';
import type { OutageMoment } from './outage-page';

// The approver's pages, in the language of the link's party unless they switch (?lang=): what is
// decided and in what context, what each decision does, and the form. No scripts; GET changes nothing.

const moment = (at: Date | string, lang: Lang) => formatDeadline(typeof at === 'string' ? at : at.toISOString(), lang);

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const serviceNames = (v: ApprovalLinkView, codes: string[] | null) => (codes ?? []).map((c) => v.catalogue.find((s) => s.code === c)?.name ?? c).join(', ');

const row = (term: string, detail: string) => `<dt>${escapeHtml(term)}</dt><dd>${detail}</dd>`;

/** What is decided: the application, the unit and its project, the ask, who is asked, the round and the deadline. */
function summary(v: ApprovalLinkView, ctx: ApprovalContext | null, t: Messages, lang: Lang): string {
  const late = v.acceptsLate ? ` <span class="muted">(${escapeHtml(t.page.lateAccepted)})</span>` : '';
  return `<dl>${[
    row(t.page.application, escapeHtml(v.applicationTitle)),
    v.unitKey ? row(t.page.unit, escapeHtml(v.concerning)) : '',
    ctx?.projectReference ? row(t.page.projectReference, escapeHtml(ctx.projectReference)) : '',
    // The ask was written in the party's language when the request was made; marked so where the page speaks another.
    row(t.page.asked, v.partyLanguage === lang ? escapeHtml(v.ask) : `<span lang="${v.partyLanguage}">${escapeHtml(v.ask)}</span>`),
    row(t.page.askedOf, `${escapeHtml(v.partyName)} (${escapeHtml(roleName(v.partyRole, lang))})`),
    row(t.page.round, String(v.round)),
    row(t.page.deadline, escapeHtml(moment(v.deadline, lang)) + late),
  ].join('')}</dl>`;
}

/** The application's own people and offer, for steps that decide on the whole application (a board's, a promoter's). */
function applicationContext(v: ApprovalLinkView, ctx: ApprovalContext, t: Messages, lang: Lang): string {
  if (v.unitKey) return '';
  const parts: string[] = [];
  if (ctx.promoter) parts.push(row(t.page.promoter, escapeHtml(ctx.promoter)));
  if (ctx.units.length) parts.push(row(t.page.units, escapeHtml(ctx.units.join(', '))));
  if (v.catalogue.length && v.kind !== 'declaration') parts.push(row(t.page.catalogue, escapeHtml(v.catalogue.map((s) => s.name).join(', '))));
  const declared = ctx.declarations
    ? `<h2>${escapeHtml(t.page.declaredByUnit)}</h2>${
        ctx.declarations.length
          ? `<table><tbody>${ctx.declarations.map((d) => `<tr><th scope="row">${escapeHtml(d.unit)}</th><td>${escapeHtml(d.status === 'declared' ? serviceNames(v, d.services) : statusName(d.status, lang))}</td></tr>`).join('')}</tbody></table>`
          : `<p>${escapeHtml(t.page.noDeclarations)}</p>`
      }`
    : '';
  return (parts.length ? `<dl>${parts.join('')}</dl>` : '') + declared;
}

/** From round 2 on: the request for changes that started the round, and the coordinator's note. */
function whatChanged(v: ApprovalLinkView, ctx: ApprovalContext, t: Messages): string {
  const parts = [
    ctx.changesAsked ? row(t.page.changesAsked, `<q>${escapeHtml(ctx.changesAsked)}</q>`) : '',
    ctx.coordinatorNote ? row(t.page.coordinatorNote, `<q>${escapeHtml(ctx.coordinatorNote)}</q>`) : '',
    ...ctx.changes.map((c) => {
      const said = (value: string | string[] | null) => (value === null ? '—' : Array.isArray(value) ? serviceNames(v, value) : value);
      const unit = c.unitKey ? ctx.units.find((_, i) => ctx.unitKeys[i] === c.unitKey) ?? c.unitKey : null;
      return row(c.field === 'services' ? t.page.servicesChanged(unit ?? '') : t.page.projectReferenceChanged, `${escapeHtml(said(c.before))} → <strong>${escapeHtml(said(c.after))}</strong>`);
    }),
  ].join('');
  return parts ? `<h2>${escapeHtml(t.page.whatChanged)}</h2><dl>${parts}</dl>` : '';
}

/** The step's other parties: by name where the definition allows it, otherwise how many have decided. */
function otherParties(ctx: ApprovalContext, t: Messages, lang: Lang): string {
  if (!ctx.others.length) return `<p class="muted">${escapeHtml(t.page.noOtherParties)}</p>`;
  const decided = ctx.others.filter((o) => o.status !== 'pending').length;
  const body = ctx.step?.partiesSeeNames
    ? `<ul>${ctx.others.map((o) => `<li>${escapeHtml(o.name)} (${escapeHtml(roleName(o.role, lang))}): ${escapeHtml(statusName(o.status, lang))}</li>`).join('')}</ul>`
    : `<p>${escapeHtml(t.page.othersCounted(decided, ctx.others.length))}</p>`;
  return `<h2>${escapeHtml(t.page.otherParties)}</h2>${body}`;
}

/** A hash shown whole (it is what an auditor compares), in a monospace run that may wrap. */
const hashText = (sha256: string) => `<code style="word-break:break-all">${escapeHtml(sha256)}</code>`;

/**
 * The documents the party decides on: name, version, size, SHA-256 and a download through their
 * own link (`at` is the page's own path); from round 2 on, which changed since the last round.
 */
function documentList(ctx: ApprovalContext, at: string, t: Messages, lang: Lang): string {
  if (!ctx.documents.length) return `<h2>${escapeHtml(t.page.documents)}</h2><p class="muted">${escapeHtml(t.page.noDocuments)}</p>`;
  const rows = ctx.documents.map((d) => {
    const mark = d.sinceLastRound ? ` <strong>(${escapeHtml(d.sinceLastRound === 'new' ? t.page.newSinceLastRound : t.page.changedSinceLastRound)})</strong>` : '';
    const href = `${at}/documents/${encodeURIComponent(d.versionId)}`;
    return `<tr><th scope="row">${escapeHtml(d.name)}${mark}</th><td>${d.version}</td><td>${escapeHtml(sizeText(d.size, lang))}</td><td>${hashText(d.sha256)}</td><td><a href="${escapeHtml(href)}" download>${escapeHtml(t.page.download)}<span class="muted"> ${escapeHtml(d.fileName)}</span></a></td></tr>`;
  });
  return `<h2>${escapeHtml(t.page.documents)}</h2><p>${escapeHtml(t.page.documentsLead)}</p><table><thead><tr><th scope="col">${escapeHtml(t.page.documentName)}</th><th scope="col">${escapeHtml(t.page.version)}</th><th scope="col">${escapeHtml(t.page.size)}</th><th scope="col">SHA-256</th><th scope="col"><span class="muted">${escapeHtml(t.page.download)}</span></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The documents a recorded decision was made on, by version and hash. */
function decidedOn(refs: DocumentRef[] | null | undefined, t: Messages): string {
  if (!refs?.length) return '';
  return `<p>${escapeHtml(t.recorded.documents)}:</p><ul>${refs.map((r) => `<li>${escapeHtml(r.name)}, ${escapeHtml(t.page.version.toLowerCase())} ${r.version}, SHA-256 ${hashText(r.sha256)}</li>`).join('')}</ul>`;
}

/** Who decides through this link: a deputy is told on whose behalf; a party is told of the deputy they have. */
function deputyNotice(v: ApprovalLinkView, ctx: ApprovalContext | null, t: Messages, lang: Lang): string {
  if (v.deputy) return `<p class="notice"><strong>${escapeHtml(t.page.asDeputy(`${v.partyName} (${roleName(v.partyRole, lang)})`))}</strong></p>`;
  if (ctx?.deputy) return `<p class="notice">${escapeHtml(t.page.deputyNamed(`${ctx.deputy.name} <${ctx.deputy.email}>`, ctx.deputy.until ? moment(ctx.deputy.until, lang) : null))}</p>`;
  return '';
}

/** The party's own form for naming a deputy (folded away; a deputy's page has none). */
function deputyForm(v: ApprovalLinkView, at: string, t: Messages, lang: Lang, problem?: string): string {
  if (v.deputy) return '';
  const f = messagesFor(lang).startForm;
  return `<details${problem ? ' open' : ''}><summary>${escapeHtml(t.page.nameDeputy)}</summary><form method="post" action="${escapeHtml(`${at}/deputy?lang=${lang}`)}"><fieldset><legend>${escapeHtml(t.page.nameDeputy)}</legend>
${problem ? `<p class="error" role="alert">${escapeHtml(problem)}</p>` : ''}<p>${escapeHtml(t.page.nameDeputyLead)}</p>
<p><label>${escapeHtml(t.page.deputyName)}<br><input name="name" required maxlength="200" autocomplete="name"></label></p>
<p><label>${escapeHtml(t.page.deputyEmail)}<br><input name="email" type="email" required maxlength="254" autocomplete="email"></label></p>
<p><label>${escapeHtml(t.page.deputyUntil)}<br><input name="until" type="date"></label></p>
<p><label>${escapeHtml(t.page.deputyLanguage)}<br><select name="language"><option value="pl">${escapeHtml(f.languageDefault)}</option><option value="en">${escapeHtml(f.languageEnglish)}</option></select></label></p>
<button type="submit">${escapeHtml(t.page.nameDeputy)}</button></fieldset></form></details>`;
}

/** The answer to naming a deputy. */
export function deputyNamedPage(deputy: { name: string; email: string }, lang: Lang): string {
  const t = messagesFor(lang);
  return page(t.page.deputyNamedTitle, `${languageSwitch(lang)}<p><strong>${escapeHtml(t.page.deputyNamedBody(deputy.name, deputy.email))}</strong></p>`, lang);
}

function buttons(v: ApprovalLinkView, decisions: string[], t: Messages): string {
  const button = (d: string) => `<button type="submit" name="decision" value="${escapeHtml(d)}">${escapeHtml((t.decision as Record<string, string>)[d] ?? d)}</button>`;
  if (v.kind === 'declaration') {
    const boxes = v.catalogue.map((s) => `<label><input type="checkbox" name="services" value="${escapeHtml(s.code)}"> ${escapeHtml(s.name)}</label><br>`).join('\n');
    return `<fieldset><legend>${escapeHtml(t.page.servicesLegend)}</legend>${boxes}</fieldset>${decisions.map(button).join('\n')}`;
  }
  return decisions.map(button).join('\n');
}

/** One sentence per decision saying what it does, from the step's definition. */
function consequences(decisions: string[], ctx: ApprovalContext | null, t: Messages): string {
  if (!ctx?.step || !ctx.stage) return '';
  const { step, stage } = ctx;
  const othersPending = ctx.others.some((o) => o.status === 'pending');
  const items = decisions.flatMap((d) => {
    const key = consequenceOf(d, step, stage, { othersPending });
    return key ? [`<li><strong>${escapeHtml((t.decision as Record<string, string>)[d] ?? d)}</strong>: ${escapeHtml(t.consequence[key])}</li>`] : [];
  });
  return items.length ? `<h2>${escapeHtml(t.page.consequences)}</h2><ul class="consequences">${items.join('')}</ul>` : '';
}

/**
 * What an approval link shows. Opening it changes nothing; the decision is an explicit button
 * press that POSTs back to the same address (never a self-submitting form).
 */
export function approvalPage(v: ApprovalLinkView, ctx: ApprovalContext | null, lang: Lang, { at, error, comment, deputyProblem }: { at: string; error?: string; comment?: string; deputyProblem?: string }): string {
  if (v.status !== 'pending') return recordedPage(v, lang, ctx);
  const t = messagesFor(lang);
  const decisions = ctx?.step ? allowedDecisions(ctx.step) : v.kind === 'declaration' ? ['declare', 'decline'] : ['approve', 'request-changes', 'reject'];
  // The answer to the press comes in the page's language, even when the server cannot look the
  // party up (an outage's page): the form says which it was.
  const form = `<form method="post" action="${escapeHtml(`${at}?lang=${lang}`)}">
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<label for="comment">${escapeHtml(v.kind === 'sign-off' ? t.page.commentRequired : t.page.comment)}</label>
<textarea id="comment" name="comment" maxlength="4000">${escapeHtml(comment ?? '')}</textarea>
<input type="hidden" name="documents" value="${escapeHtml((ctx?.documents ?? []).map((d) => d.versionId).join(','))}">
${buttons(v, decisions, t)}
<p class="muted">${escapeHtml(t.page.noScripts)}</p>
</form>`;
  const context = ctx ? applicationContext(v, ctx, t, lang) + whatChanged(v, ctx, t) + documentList(ctx, at, t, lang) + otherParties(ctx, t, lang) : '';
  const title = v.kind === 'declaration' ? t.page.declarationTitle : t.page.signOffTitle;
  return page(title, languageSwitch(lang) + deputyNotice(v, ctx, t, lang) + summary(v, ctx, t, lang) + context + consequences(decisions, ctx, t) + form + deputyForm(v, at, t, lang, deputyProblem), lang);
}

/** The decision a request already holds (a second visit, a second click). */
export function recordedPage(v: ApprovalLinkView, lang: Lang, ctx: ApprovalContext | null = null): string {
  const t = messagesFor(lang);
  const when = v.decidedAt ? moment(v.decidedAt, lang) + (v.late ? ` (${t.recorded.late})` : '') : '';
  const services = v.services ? `<p>${escapeHtml(t.recorded.services)}: ${escapeHtml(serviceNames(v, v.services))}</p>` : '';
  const comment = v.comment ? `<p>${escapeHtml(t.recorded.comment)}: <q>${escapeHtml(v.comment)}</q></p>` : '';
  return page(
    t.recorded.alreadyTitle,
    `${languageSwitch(lang)}<p><strong>${escapeHtml(t.recorded.already(capitalized(statusName(v.status, lang)), when))}</strong></p>${ctx?.decidedBy ? `<p>${escapeHtml(t.page.decidedByDeputy(`${ctx.decidedBy.name} <${ctx.decidedBy.email}>`))}</p>` : ''}${services}${comment}${decidedOn(ctx?.decidedOn, t)}${summary(v, ctx, t, lang)}`,
    lang,
  );
}

/** The answer to the button press that recorded the decision. */
export function decisionAcceptedPage(v: ApprovalLinkView, d: RecordedDecision, lang: Lang): string {
  const t = messagesFor(lang);
  const services = d.services ? `<p>${escapeHtml(t.recorded.services)}: ${escapeHtml(serviceNames(v, d.services))}</p>` : '';
  const comment = d.comment ? `<p>${escapeHtml(t.recorded.comment)}: <q>${escapeHtml(d.comment)}</q></p>` : '';
  const late = d.late ? ` ${t.recorded.acceptedLate}` : '';
  const decided = wordFor('decision', d.decision, lang);
  return page(
    t.recorded.acceptedTitle,
    `${languageSwitch(lang)}<p><strong>${escapeHtml(t.recorded.accepted(decided, moment(d.decidedAt, lang)) + late)}</strong></p><p>${escapeHtml(t.recorded.receipt)}</p>${services}${comment}${decidedOn(d.documents, t)}${summary(v, null, t, lang)}`,
    lang,
  );
}

/** A refused link or decision, in the reader's language. */
export const linkErrorPage = (title: string, body: string, lang: Lang) => page(title, `${languageSwitch(lang)}<p>${escapeHtml(body)}</p>`, lang);

/**
 * An approval route's fault (too many attempts, a form that cannot be read, our own error), in the
 * reader's language; a link that cannot be opened at all (malformed, cut short, unknown) is an unknown link.
 */
export function approverFaultPage(status: number, requestId: string, lang: Lang, { moment, comment }: { moment: OutageMoment; comment?: string }): string {
  const t = messagesFor(lang);
  if (status === 429) return linkErrorPage(t.fault.tooManyTitle, t.fault.tooMany, lang);
  if (status >= 500) return linkErrorPage(t.fault.wrongTitle, t.fault.wrong(requestId), lang);
  if (moment === 'decide' && (status === 400 || status === 413 || status === 415)) {
    // What they wrote is lost with the refused request; shown once, to copy (without what made it unreadable).
    const kept = comment?.trim() ? `<p class="muted">${escapeHtml(t.outage.comment)}</p><blockquote>${escapeHtml(stripControlCharacters(comment.trim())).replace(/\n/g, '<br>')}</blockquote>` : '';
    return page(t.fault.unreadableTitle, `${languageSwitch(lang)}<p>${escapeHtml(t.fault.unreadable)}</p>${kept}`, lang);
  }
  return linkErrorPage(t.linkError.LINK_UNKNOWN, t.linkError.unknownBody, lang);
}
