import { messagesFor, roleName, stageName, statusName, stepName, unitStatusName, wordFor } from '../../../i18n/messages';
import { escapeHtml, formatShortMoment, type Lang } from '../../../mail/html';
import type { ChainVerdict } from '../../../domain/audit-chain';
import { isBranchOutcome, type BranchStatus } from '../../../workflows/engine/state';
import { inEnglish, languageSwitch, page } from './layout';
import { sizeText } from '../../../i18n/size-text';
import type { DocumentVersionView } from '../../services/documents';

/** The application's stages and their deadlines (as the input set them), drawn on a time axis. */
export interface TimelinePlan {
  startedAt: Date;
  closedAt: Date | null;
  stages: Array<{ id: string; name: string; scope: 'application' | 'per-unit'; steps: string[]; current: boolean; deadlines: Array<{ key: string; at: Date }> }>;
}

/** One party's request in one round of a step: what they decided, and the reminders still ahead while pending. */
export interface PartyRow {
  /** The request's id (what a deputy is named for). */
  id: string;
  partyEmail: string;
  /** A deputy who decided on the party's behalf. */
  decidedByName: string | null;
  unitKey: string | null;
  step: string;
  round: number;
  partyName: string;
  partyRole: string;
  status: string;
  comment: string | null;
  decidedAt: Date | null;
  late: boolean;
  deadline: Date;
  services: string[] | null;
  reminders: Date[];
}

export interface HistoryView {
  plan: TimelinePlan;
  parties: PartyRow[];
  application: { id: string; title: string; variant: string; status: string; office: string | null; units: Array<{ unitKey: string; name: string; status: string }> };
  audit: Array<{ type: string; actor: string; actorName: string | null; data: unknown; occurredAt: Date; seq: number | null }>;
  /** Null when Temporal could not be reached. */
  workflows: Array<{ workflowId: string; events: Array<{ eventId: number; eventTime: string | null; eventType: string; subject: string | null; attributes?: unknown }> }> | null;
  messages: Array<{ toAddress: string; subject: string; status: string; attempts: number; lastError: string | null; createdAt: Date; sentAt: Date | null }>;
  /** For people who may audit: the chain's check. */
  chain: ChainVerdict | null;
  /** Every version of every document, oldest first. */
  documents: DocumentVersionView[];
  /** The steps of the application's definition, for placing a document on one. */
  steps: string[];
  /** Everyone who stands somewhere in the application now (replacements applied), for replacing. */
  people: Array<{ name: string; email: string }>;
}

interface Entry {
  at: number;
  source: string;
  title: string;
  who: string | null;
  details: unknown;
}

const details = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

/**
 * One application's history on one timeline: its audit records and the Temporal events of its
 * workflows side by side, in order of time, each a `<details>` that opens to what it holds (no
 * scripts needed); every email with its delivery; link opens and refusals; the chain's verdict.
 */
/**
 * The timeline as a picture (inline SVG, no scripts): a time axis from the start to the last
 * deadline, each deadline a mark labelled with its step's deadline name and date, the stage it
 * belongs to as a band (the current one highlighted), and today.
 */
function timelinePicture(plan: TimelinePlan, now: Date, lang: Lang): string {
  const t = messagesFor(lang);
  const marks = plan.stages.flatMap((stage, i) => stage.deadlines.map((d) => ({ ...d, stage, index: i })));
  if (!marks.length) return '';
  const from = plan.startedAt.getTime();
  const to = Math.max(...marks.map((m) => m.at.getTime()), (plan.closedAt ?? now).getTime(), from + 86_400_000);
  const width = 1000;
  const x = (ms: number) => 20 + ((ms - from) / (to - from)) * (width - 40);
  const day = (d: Date) => formatShortMoment(d.toISOString(), lang).split(',')[0]!;
  // Labels near an edge grow inwards, so none is cut off.
  const anchor = (at: number) => (at < 200 ? 'start' : at > width - 200 ? 'end' : 'middle');
  let previous = from;
  const bands = plan.stages
    .filter((stage) => stage.deadlines.length)
    .map((stage, i) => {
      const end = Math.max(...stage.deadlines.map((d) => d.at.getTime()));
      const band = `<rect x="${x(previous).toFixed(1)}" y="40" width="${Math.max(2, x(end) - x(previous)).toFixed(1)}" height="16" fill="${stage.current ? '#8bc34a' : i % 2 ? '#cfd8dc' : '#eceff1'}"><title>${escapeHtml(stageName(stage.id, lang, stage.name))}</title></rect>`;
      previous = end;
      return band;
    })
    .join('');
  const ticks = marks
    .map(
      (m, i) =>
        `<line x1="${x(m.at.getTime()).toFixed(1)}" y1="34" x2="${x(m.at.getTime()).toFixed(1)}" y2="62" stroke="#333"/><text x="${x(m.at.getTime()).toFixed(1)}" y="${i % 2 ? 84 : 26}" text-anchor="${anchor(x(m.at.getTime()))}" font-size="12">${escapeHtml((t.startForm.deadline as Record<string, string>)[m.key] ?? m.key)} · ${escapeHtml(day(m.at))}</text>`,
    )
    .join('');
  const today = now.getTime() <= to ? `<line x1="${x(now.getTime()).toFixed(1)}" y1="30" x2="${x(now.getTime()).toFixed(1)}" y2="66" stroke="#c00" stroke-width="2"><title>${escapeHtml(day(now))}</title></line>` : '';
  return `<figure class="timeline-picture"><svg role="img" aria-label="${escapeHtml(t.history.timeline)}" viewBox="0 0 ${width} 96" width="100%" xmlns="http://www.w3.org/2000/svg"><line x1="20" y1="48" x2="${width - 20}" y2="48" stroke="#999"/>${bands}${ticks}${today}<text x="20" y="94" font-size="11">${escapeHtml(day(plan.startedAt))}</text></svg></figure>`;
}

/**
 * Stage by stage (unit by unit where a stage runs per unit): every party's request in each round,
 * the decision with its comment, the deadline and the reminders still planned.
 */
function stepsAndParties(v: HistoryView, lang: Lang): string {
  const t = messagesFor(lang);
  const h = t.history;
  const when = (d: Date) => escapeHtml(formatShortMoment(d.toISOString(), lang));
  const cell = (r: PartyRow) =>
    [
      `<strong>${escapeHtml(statusName(r.status, lang))}</strong>`,
      r.decidedAt ? `<br><small>${when(r.decidedAt)}${r.late ? ` (${escapeHtml(h.late)})` : ''}</small>` : '',
      r.decidedByName ? `<br><small>${escapeHtml(h.byDeputy(r.decidedByName))}</small>` : '',
      r.services?.length ? `<br><small>${escapeHtml(h.services)}: ${escapeHtml(r.services.join(', '))}</small>` : '',
      r.comment ? `<br><q>${escapeHtml(r.comment)}</q>` : '',
    ].join('');
  const table = (rows: PartyRow[]) =>
    `<table class="parties"><thead><tr><th scope="col">${escapeHtml(h.step)}</th><th scope="col">${escapeHtml(h.party)}</th><th scope="col">${escapeHtml(h.state)}</th><th scope="col">${escapeHtml(h.deadline)}</th><th scope="col">${escapeHtml(h.reminders)}</th></tr></thead><tbody>${rows
      .map(
        (r) =>
          `<tr><td>${escapeHtml(stepName(r.step, lang))}${r.round > 1 ? `<br><small>${escapeHtml(h.round(r.round))}</small>` : ''}</td><td>${escapeHtml(r.partyName)}<br><small class="muted">${escapeHtml(roleName(r.partyRole, lang))}</small></td><td>${cell(r)}</td><td>${when(r.deadline)}</td><td>${r.reminders.length ? r.reminders.map(when).join('<br>') : '—'}</td></tr>`,
      )
      .join('')}</tbody></table>`;
  const notReached = `<p class="muted">${escapeHtml(h.notReached)}</p>`;
  const stages = v.plan.stages.map((stage) => {
    const rows = v.parties.filter((p) => stage.steps.includes(p.step));
    const heading = `<h3>${escapeHtml(stageName(stage.id, lang, stage.name))}${stage.current ? ` <span class="notice">(${escapeHtml(h.currentStage)})</span>` : ''}</h3>`;
    if (!rows.length) return heading + notReached;
    if (stage.scope === 'application') return heading + table(rows);
    const units = v.application.units.map((u) => {
      const own = rows.filter((r) => r.unitKey === u.unitKey);
      const status = unitStatusName(u.status, lang);
      return `<h4>${escapeHtml(u.name)} <small class="muted">(${escapeHtml(status)})</small></h4>${own.length ? table(own) : notReached}`;
    });
    return heading + units.join('');
  });
  return `<section class="steps"><h2>${escapeHtml(h.steps)}</h2><p class="muted">${escapeHtml(h.stepsNote)}</p>${stages.join('')}</section>`;
}

/** What the page offers a person who may act: the forms' CSRF token, and what the last action did. */
export interface PageActions {
  csrf: string;
  /** What the last action did; a refusal's `detail` is the service's own sentence (English). */
  notice?: { ok: boolean; text: string; detail?: string };
  /** The refused action and what its form held, to show it again open and filled in. */
  failed?: { action: string; values: Record<string, unknown> };
}

const field = (label: string, input: string) => `<p><label>${escapeHtml(label)}<br>${input}</label></p>`;

/**
 * The coordinator's actions on a running application, each a plain form (no scripts) that posts
 * to the page's own routes; withdrawing and removing a unit need a ticked confirmation.
 */
function actionForms(v: HistoryView, a: PageActions, lang: Lang): string {
  const t = messagesFor(lang).actions;
  const app = v.application;
  if (app.status !== 'collecting-sign-offs') return '';
  const base = `/applications/${encodeURIComponent(app.id)}/actions`;
  const csrf = `<input type="hidden" name="_csrf" value="${escapeHtml(a.csrf)}">`;
  const running = app.units.filter((u) => !isBranchOutcome(u.status as BranchStatus));
  const detail = a.notice?.detail ? ` (${inEnglish(a.notice.detail, lang)})` : '';
  const notice = a.notice ? `<p class="${a.notice.ok ? 'notice' : 'error'}" id="action-notice" role="${a.notice.ok ? 'status' : 'alert'}"><strong>${escapeHtml(a.notice.ok ? a.notice.text : `${t.refused}: ${a.notice.text}`)}</strong>${detail}</p>` : '';
  // A refused form comes back open, with what was typed and its refusal beside it, its first field focused.
  const failed = a.notice && !a.notice.ok ? a.failed : undefined;
  // Each action folded away until opened (no scripts): the page stays readable.
  const form = (action: string, title: string, fields: (kept: Kept) => string, irreversible = false) => {
    const heading = `${escapeHtml(title)}${irreversible ? ` <strong class="error">(${escapeHtml(t.irreversible)})</strong>` : ''}`;
    const refused = failed?.action === action;
    const kept: Kept = (name) => (refused ? String(failed.values[name] ?? '') : '');
    const body = refused ? fields(kept).replace(/<(input|select|textarea) /, '<$1 autofocus ') : fields(kept);
    return `<details class="action ${action}"${refused ? ' open' : ''}><summary>${heading}</summary>${refused ? notice : ''}<form method="post" action="${escapeHtml(`${base}/${action}?lang=${lang}`)}" class="action ${action}"${refused ? ' aria-describedby="action-notice"' : ''}><fieldset><legend>${heading}</legend>${csrf}${body}<button type="submit">${escapeHtml(title)}</button></fieldset></form></details>`;
  };
  const unitOptions = (withApplication: boolean) => (kept: Kept) =>
    field(
      t.unit,
      `<select name="unitKey">${withApplication ? `<option value="">${escapeHtml(t.applicationLevel)}</option>` : ''}${running.map((u) => `<option value="${escapeHtml(u.unitKey)}"${kept('unitKey') === u.unitKey ? ' selected' : ''}>${escapeHtml(u.name)} (${escapeHtml(u.unitKey)})</option>`).join('')}</select>`,
    );
  const reason = (kept: Kept) => field(t.reason, `<textarea name="reason" required minlength="3" maxlength="4000">${escapeHtml(kept('reason'))}</textarea>`);
  const confirm = `<p><label><input type="checkbox" name="confirm" value="yes" required> ${escapeHtml(t.confirm)}</label></p>`;
  const unitName = (key: string) => app.units.find((u) => u.unitKey === key)?.name ?? key;
  const pending = v.parties.filter((p) => p.status === 'pending');
  // Everyone who stands somewhere in the application now, and anyone asked something (by address).
  const people = [...new Map([...v.parties.map((p) => [p.partyEmail, p.partyName] as const), ...v.people.map((p) => [p.email, p.name] as const)]).entries()];
  const f = messagesFor(lang).startForm;
  const person = (k: Kept, prefix: '' | 'new') => {
    const n = (name: string) => (prefix ? `${prefix}${name[0]!.toUpperCase()}${name.slice(1)}` : name);
    return (
      field(t.personName, `<input name="${n('name')}" required maxlength="200" value="${escapeHtml(k(n('name')))}">`) +
      field(t.personEmail, `<input name="${n('email')}" type="email" required maxlength="254" value="${escapeHtml(k(n('email')))}">`) +
      field(f.language, `<select name="${n('language')}"><option value="">${escapeHtml(f.languageDefault)}</option><option value="en"${k(n('language')) === 'en' ? ' selected' : ''}>${escapeHtml(f.languageEnglish)}</option></select>`)
    );
  };
  return `<h2>${escapeHtml(t.title)}</h2>${failed ? '' : notice}
${form('resubmit', t.resubmit, (k) => unitOptions(true)(k) + field(t.note, `<textarea name="note" maxlength="4000">${escapeHtml(k('note'))}</textarea>`) + (app.variant === 'module-in-existing-projects' ? field(t.newProjectReference, `<input name="projectReference" maxlength="100" value="${escapeHtml(k('projectReference'))}">`) : ''))}
${form('extend', t.extend, (k) => unitOptions(true)(k) + field(t.newDeadline, `<input type="datetime-local" name="deadline" required value="${escapeHtml(k('deadline'))}">`))}
${form('proceed', t.proceed, unitOptions(true))}
${form('add-unit', t.addUnit, (k) => addUnitFields(app.variant, lang, k))}
${running.length ? form('remove-unit', t.removeUnit, (k) => unitOptions(false)(k) + reason(k) + confirm, true) : ''}
${pending.length ? form('deputy', t.nameDeputy, (k) => field(t.deputyFor, `<select name="requestId">${pending.map((p) => `<option value="${escapeHtml(p.id)}"${k('requestId') === p.id ? ' selected' : ''}>${escapeHtml(`${p.partyName} (${roleName(p.partyRole, lang)}) — ${stepName(p.step, lang)}${p.unitKey ? `, ${unitName(p.unitKey)}` : ''}`)}</option>`).join('')}</select>`) + person(k, '') + field(t.deputyUntil, `<input type="date" name="until" value="${escapeHtml(k('until'))}">`)) : ''}
${people.length ? form('replace', t.replace, (k) => field(t.replaced, `<select name="email">${people.map(([email, name]) => `<option value="${escapeHtml(email)}"${k('email') === email ? ' selected' : ''}>${escapeHtml(`${name} <${email}>`)}</option>`).join('')}</select>`) + person(k, 'new')) : ''}
${form('withdraw', t.withdraw, (k) => reason(k) + confirm, true)}`;
}

/**
 * The application's documents, each with every version (hash, size, who attached it, a download),
 * and, while it runs and for people who may act, the form that attaches one (multipart, no script).
 */
function documentSection(v: HistoryView, a: PageActions | null, lang: Lang): string {
  const t = messagesFor(lang).documents;
  const app = v.application;
  const unitName = (key: string) => app.units.find((u) => u.unitKey === key)?.name ?? key;
  const forWhom = (d: { unitKey: string | null; stepId: string | null }) =>
    [d.unitKey ? t.unit(unitName(d.unitKey)) : null, d.stepId ? t.step(stepName(d.stepId, lang)) : null].filter(Boolean).join(', ') || t.wholeApplication;
  const base = `/api/applications/${encodeURIComponent(app.id)}/documents`;
  const rows = v.documents.map(
    (d) =>
      `<tr><th scope="row">${escapeHtml(d.name)}</th><td>${escapeHtml(forWhom(d))}</td><td>${d.version}</td><td><a href="${escapeHtml(`${base}/${d.versionId}`)}" download>${escapeHtml(d.fileName)}</a></td><td>${escapeHtml(sizeText(d.size, lang))}</td><td><code style="word-break:break-all">${escapeHtml(d.sha256)}</code></td><td>${escapeHtml(formatShortMoment(d.uploadedAt, lang))}, ${escapeHtml(d.uploadedByName)}</td></tr>`,
  );
  const table = rows.length
    ? `<table class="documents"><thead><tr><th scope="col">${escapeHtml(t.document)}</th><th scope="col">${escapeHtml(t.for)}</th><th scope="col">${escapeHtml(t.version)}</th><th scope="col">${escapeHtml(t.file)}</th><th scope="col">${escapeHtml(t.size)}</th><th scope="col">SHA-256</th><th scope="col">${escapeHtml(t.uploaded)}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    : `<p>${escapeHtml(t.none)}</p>`;
  const running = app.status === 'collecting-sign-offs';
  const refused = a?.notice && !a.notice.ok && a.failed?.action === 'document';
  const form =
    a && running
      ? `<details class="action document"${refused ? ' open' : ''}><summary>${escapeHtml(t.attach)}</summary>${
          refused ? `<p class="error" id="document-notice" role="alert"><strong>${escapeHtml(`${messagesFor(lang).actions.refused}: ${a.notice!.text}`)}</strong>${a.notice!.detail ? ` (${inEnglish(a.notice!.detail, lang)})` : ''}</p>` : ''
        }<form method="post" enctype="multipart/form-data" action="${escapeHtml(`/applications/${encodeURIComponent(app.id)}/documents?lang=${lang}`)}"${refused ? ' aria-describedby="document-notice"' : ''}><fieldset><legend>${escapeHtml(t.attach)}</legend><input type="hidden" name="_csrf" value="${escapeHtml(a.csrf)}"><p class="muted">${escapeHtml(t.attachLead)}</p>
<p><label>${escapeHtml(t.chooseFile)}<br><input type="file" name="file" required accept=".pdf,.docx,.odt,.png,.jpg,.jpeg,.tif,.tiff,.webp"></label></p>
<p><label>${escapeHtml(t.newVersionOf)}<br><select name="documentId"><option value="">${escapeHtml(t.newDocument)}</option>${[...new Map(v.documents.map((d) => [d.documentId, d])).values()].map((d) => `<option value="${escapeHtml(d.documentId)}">${escapeHtml(d.name)} (${escapeHtml(forWhom(d))})</option>`).join('')}</select></label></p>
<p><label>${escapeHtml(t.name)}<br><input name="name" maxlength="200"></label></p>
<p><label>${escapeHtml(t.attachTo)}<br><select name="attachTo"><option value="">${escapeHtml(t.wholeApplication)}</option>${app.units.map((u) => `<option value="unit:${escapeHtml(u.unitKey)}">${escapeHtml(t.unit(u.name))}</option>`).join('')}${v.steps.map((s) => `<option value="step:${escapeHtml(s)}">${escapeHtml(t.step(stepName(s, lang)))}</option>`).join('')}</select></label></p>
<button type="submit">${escapeHtml(t.attach)}</button></fieldset></form></details>`
      : '';
  return `<h2 id="documents">${escapeHtml(t.title)}</h2><p class="muted">${escapeHtml(t.lead)}</p>${table}${form}`;
}

/** What a refused form had in a field (empty for every other form). */
type Kept = (name: string) => string;

/** A new unit's fields, named as the API's unit input flattened; the project reference where the variant needs one. */
function addUnitFields(variant: string, lang: Lang, kept: Kept): string {
  const f = messagesFor(lang).startForm;
  const text = (name: string, label: string, type = 'text') => field(label, `<input name="${name}" type="${type}" required maxlength="300" value="${escapeHtml(kept(name))}">`);
  return [
    text('key', f.unitKey),
    text('name', f.unitName),
    variant === 'module-in-existing-projects' ? text('projectReference', f.projectReference) : '',
    text('approverName', f.approver),
    text('approverEmail', f.approverEmail, 'email'),
    field(f.language, `<select name="approverLanguage"><option value="">${escapeHtml(f.languageDefault)}</option><option value="en"${kept('approverLanguage') === 'en' ? ' selected' : ''}>${escapeHtml(f.languageEnglish)}</option></select>`),
  ].join('');
}

export function historyPage(v: HistoryView, lang: Lang, actions: PageActions | null = null): string {
  const t = messagesFor(lang);
  const h = t.history;
  const app = v.application;
  const short = (workflowId: string) => (workflowId === app.id ? h.application : workflowId.slice(app.id.length + 1));
  const entries: Entry[] = [
    ...v.audit.map((a) => ({ at: a.occurredAt.getTime(), source: `${h.audit}${a.seq ? ` #${a.seq}` : ''}`, title: a.type, who: a.actorName ? `${a.actorName} (${a.actor})` : a.actor, details: a.data })),
    ...(v.workflows ?? []).flatMap((w) =>
      w.events.map((e) => ({ at: e.eventTime ? Date.parse(e.eventTime) : 0, source: `Temporal: ${short(w.workflowId)} #${e.eventId}`, title: `${e.eventType}${e.subject ? ` — ${e.subject}` : ''}`, who: null, details: e.attributes ?? null })),
    ),
  ].sort((a, b) => a.at - b.at);
  const when = (ms: number) => formatShortMoment(new Date(ms).toISOString(), lang, { seconds: true });
  const timeline = entries
    .map(
      (e) =>
        `<li class="${e.source.startsWith('Temporal') ? 'temporal' : 'audit'}"><details><summary><time>${escapeHtml(when(e.at))}</time> · <span class="muted">${escapeHtml(e.source)}</span> · <strong>${escapeHtml(e.title)}</strong>${e.who ? ` · ${escapeHtml(e.who)}` : ''}</summary>${details(e.details)}</details></li>`,
    )
    .join('\n');
  const links = v.audit.filter((a) => a.type === 'link.opened' || a.type === 'link.refused');
  const linkList = links.length
    ? `<ul>${links.map((a) => `<li>${escapeHtml(when(a.occurredAt.getTime()))} · <strong>${escapeHtml(a.type)}</strong> · ${escapeHtml(a.actor)} · ${escapeHtml(JSON.stringify(a.data))}</li>`).join('')}</ul>`
    : `<p>${escapeHtml(h.noLinkActivity)}</p>`;
  const emails = v.messages.length
    ? `<table><thead><tr><th>${escapeHtml(h.to)}</th><th>${escapeHtml(h.subject)}</th><th>${escapeHtml(h.delivery)}</th><th>${escapeHtml(h.queued)}</th><th>${escapeHtml(h.sent)}</th></tr></thead><tbody>${v.messages
        .map(
          (m) =>
            `<tr><td>${escapeHtml(m.toAddress)}</td><td>${escapeHtml(m.subject)}</td><td>${escapeHtml(wordFor('deliveryStatus', m.status, lang))}${m.attempts > 1 ? ` (×${m.attempts})` : ''}${m.lastError ? `<br><small>${escapeHtml(m.lastError)}</small>` : ''}</td><td>${escapeHtml(when(m.createdAt.getTime()))}</td><td>${m.sentAt ? escapeHtml(when(m.sentAt.getTime())) : '—'}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : `<p>${escapeHtml(h.noEmails)}</p>`;
  const chain = v.chain
    ? `<p class="${v.chain.intact ? 'chain' : 'chain error'}"><strong>${v.chain.intact ? escapeHtml(h.chainIntact(v.chain.length, v.chain.head ?? '—')) : `${escapeHtml(h.chainBroken(v.chain.brokenAt))}: ${inEnglish(v.chain.reason, lang)}.`}</strong></p>
<p>${escapeHtml(h.exports)}: <a href="/api/applications/${escapeHtml(encodeURIComponent(app.id))}/evidence.pdf?lang=${lang}">PDF</a> · <a href="/api/applications/${escapeHtml(encodeURIComponent(app.id))}/evidence.json">JSON</a> · <a href="/api/applications/${escapeHtml(encodeURIComponent(app.id))}/evidence.csv">CSV</a></p>`
    : '';
  const nav = languageSwitch(lang, undefined, `<a href="/applications?lang=${lang}">${escapeHtml(h.back)}</a>`);
  const summary = `<p>${escapeHtml(app.id)} · ${escapeHtml(wordFor('variant', app.variant, lang))} · ${escapeHtml(wordFor('applicationStatus', app.status, lang))} · ${escapeHtml(app.office ?? '—')}</p>`;
  return page(
    app.title,
    `${nav}${summary}${actions?.notice && app.status !== 'collecting-sign-offs' ? `<p class="${actions.notice.ok ? 'notice' : 'error'}" role="status"><strong>${escapeHtml(actions.notice.text)}</strong></p>` : ''}${chain}${v.workflows ? '' : `<p class="error">${escapeHtml(h.unavailable)}</p>`}${timelinePicture(v.plan, new Date(), lang)}${stepsAndParties(v, lang)}${documentSection(v, actions, lang)}${actions ? actionForms(v, actions, lang) : ''}<h2>${escapeHtml(h.timeline)}</h2><p class="muted">${escapeHtml(h.timelineNote)}</p><ol class="timeline">${timeline}</ol><h2>${escapeHtml(h.emails)}</h2>${emails}<h2>${escapeHtml(h.linkActivity)}</h2>${linkList}`,
    lang,
    { wide: true },
  );
}
