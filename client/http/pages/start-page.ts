import { variants, type Variant } from '../../../domain/application-input';
import type { FieldProblem } from '../../../domain/domain-error';
import { messagesFor, type Messages, wordFor } from '../../../i18n/messages';
import { escapeHtml, formatDeadline, type Lang } from '../../../mail/html';
import { effectiveDeadline } from '../../../workflows/calendar/business-calendar';
import { languageSwitch, page } from './layout';
import { peopleOf, rowCounts, rowGroups, warsawInstant, type FormValues } from './start-form';

// Starting an application through a form: plain HTML that works without scripts. "Add a row"
// is a submit button that shows the form again with one more row (with scripts on,
// assets/start-form.js adds it in place); "check" validates and shows
// where the working-day calendar moves each deadline, without starting anything.

export interface StartFormState {
  variant: Variant;
  values: FormValues;
  problems: FieldProblem[];
  /** Set after a check that found nothing wrong. */
  checked?: boolean;
  csrf: string;
  /** Makes a repeated press of "start" start one application. */
  nonce: string;
  /** The draft the form edits, when it came from one: saving updates it. */
  draftId?: string;
  deadlineKeys: readonly string[];
}

/** The variant chooser: each variant a link to its form. */
export function chooseVariantPage(lang: Lang): string {
  const t = messagesFor(lang);
  const links = variants.map((v) => `<li><a href="/applications/new?variant=${v}&lang=${lang}">${escapeHtml(wordFor('variant', v, lang))}</a></li>`).join('');
  return page(t.startForm.title, `${languageSwitch(lang, (l) => `/applications/new?lang=${l}`)}<h2>${escapeHtml(t.startForm.chooseVariant)}</h2><ul>${links}</ul>`, lang);
}

export function startPage(s: StartFormState, lang: Lang): string {
  const t = messagesFor(lang);
  const f = t.startForm;
  const value = (name: string) => escapeHtml(s.values[name] ?? '');
  const problemOf = (name: string) => s.problems.find((p) => p.path === name);
  const error = (name: string) => {
    const p = problemOf(name);
    return p ? `<br><span class="error" id="${escapeHtml(name)}-error">${escapeHtml(p.message)}</span>` : '';
  };
  const invalid = (name: string) => (problemOf(name) ? ` aria-invalid="true" aria-describedby="${escapeHtml(name)}-error"` : '');
  const input = (name: string, label: string, type = 'text') =>
    `<label>${escapeHtml(label)}<br><input id="${escapeHtml(name)}" name="${escapeHtml(name)}" type="${type}" value="${value(name)}"${invalid(name)}>${error(name)}</label>`;
  const language = (name: string) =>
    `<label>${escapeHtml(f.language)}<br><select name="${escapeHtml(name)}"><option value="">${escapeHtml(f.languageDefault)}</option><option value="en"${s.values[name] === 'en' ? ' selected' : ''}>${escapeHtml(f.languageEnglish)}</option></select></label>`;
  const person = (prefix: string, legend: string) =>
    `<fieldset><legend>${escapeHtml(legend)}</legend><p>${input(`${prefix}.name`, f.name)} ${input(`${prefix}.email`, f.email, 'email')} ${language(`${prefix}.language`)}</p></fieldset>`;

  const deadlines = s.deadlineKeys
    .map((k) => {
      const name = `deadlines.${k}`;
      return `<p>${input(name, (f.deadline as Record<string, string>)[k] ?? k, 'datetime-local')}${holidayHint(s.values[name], f, lang)}</p>`;
    })
    .join('');

  const counts = rowCounts(s.variant, s.values);
  const groups = rowGroups[s.variant]
    .map(({ group, fields }) => {
      const rows = Array.from({ length: counts[group]! }, (_, i) => {
        const cells = fields.map((field) => {
          const name = `${group}.${i}.${field}`;
          if (field.endsWith('language')) return language(name);
          return input(name, cellLabel(group, field, f), field.endsWith('email') ? 'email' : 'text');
        });
        // Each row its own group with a legend, so its fields' labels are told apart ("Jednostki, wiersz 2").
        return `<fieldset class="row ${escapeHtml(group)}"><legend>${escapeHtml(fieldLabel(`${group}.${i}`, s.variant, t))}</legend>${cells.join(' ')}</fieldset>`;
      }).join('');
      return `<fieldset><legend>${escapeHtml(groupTitle(group, f))}</legend><input type="hidden" name="_rows.${escapeHtml(group)}" value="${counts[group]}">${rows}${error(group)}
<button type="submit" name="_more" value="${escapeHtml(group)}">${escapeHtml(f.moreRows)}</button></fieldset>`;
    })
    .join('');

  const people = peopleOf[s.variant].map((p) => person(p, personLegend(p, f))).join('');
  // Each problem named by its field's label, linked to the field.
  const summary = s.problems.length
    ? `<div class="error" role="alert"><p><strong>${escapeHtml(f.invalid)}</strong></p><ul>${s.problems.map((p) => `<li><a href="#${escapeHtml(p.path)}">${escapeHtml(fieldLabel(p.path, s.variant, t))}</a>: ${escapeHtml(p.message)}</li>`).join('')}</ul></div>`
    : s.checked
      ? `<p class="notice" role="status"><strong>${escapeHtml(f.checked)}</strong></p>`
      : '';
  const body = `${languageSwitch(lang, (l) => `/applications/new?variant=${s.variant}&lang=${l}`)}${summary}<form method="post" action="/applications/new?variant=${s.variant}&lang=${lang}" class="start" novalidate>
<input type="hidden" name="_csrf" value="${escapeHtml(s.csrf)}"><input type="hidden" name="_nonce" value="${escapeHtml(s.nonce)}">${s.draftId ? `<input type="hidden" name="_draft" value="${escapeHtml(s.draftId)}">` : ''}
<p class="muted">${escapeHtml(wordFor('variant', s.variant, lang))}</p>
<p>${input('title', f.applicationTitle)}</p>
${person('coordinator', f.coordinator)}
<fieldset><legend>${escapeHtml(f.deadlines)}</legend>${deadlines}</fieldset>
${people}${groups}
<p><button type="submit" name="_intent" value="check">${escapeHtml(f.check)}</button> <button type="submit" name="_intent" value="draft">${escapeHtml(f.saveDraft)}</button> <button type="submit" name="_intent" value="start">${escapeHtml(f.start)}</button></p>
</form>`;
  return page(f.title, body, lang, { wide: true, scripts: ['/assets/start-form.js'] });
}

/** Where the working-day calendar moves a deadline that falls on a weekend or a Polish holiday. */
function holidayHint(local: string | undefined, f: Messages['startForm'], lang: Lang): string {
  const iso = local ? warsawInstant(local) : '';
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return '';
  const moved = effectiveDeadline(at);
  return moved === at ? '' : ` <span class="notice holiday">${escapeHtml(f.holiday(formatDeadline(new Date(moved).toISOString(), lang)))}</span>`;
}

const groupTitle = (group: string, f: Messages['startForm']) => ({ units: f.units, 'board.members': f.board, serviceCatalogue: f.catalogue })[group] ?? group;

const personLegend = (prefix: string, f: Messages['startForm']) => (prefix === 'promoter' ? f.promoter : prefix === 'coordinator' ? f.coordinator : `${f.partners}: ${prefix.endsWith('ksse') ? 'KSSE' : 'Landster'}`);

/** The label of a field in a row of a group (a unit's key, a board member's email, a service's name). */
function cellLabel(group: string, field: string, f: Messages['startForm']): string {
  if (field === 'name') return group === 'serviceCatalogue' ? f.serviceName : group === 'board.members' ? f.name : f.unitName;
  const labels: Record<string, string> = { key: f.unitKey, projectReference: f.projectReference, 'approver.name': f.approver, 'approver.email': f.approverEmail, email: f.email, code: f.serviceCode, language: f.language, 'approver.language': f.language };
  return labels[field] ?? field;
}

/** A field's path (`units.3.approver.email`) as a person reads it: "Jednostki, wiersz 4: Dyrektor: e-mail". */
export function fieldLabel(path: string, variant: Variant, t: Messages): string {
  const f = t.startForm;
  const plain = (title: string) => title.replace(/ \(.*\)$/, '');
  for (const { group } of rowGroups[variant]) {
    if (path === group) return plain(groupTitle(group, f));
    if (!path.startsWith(`${group}.`)) continue;
    const [row, ...field] = path.slice(group.length + 1).split('.');
    return `${plain(groupTitle(group, f))}, ${t.problem.row(Number(row) + 1)}${field.length ? `: ${cellLabel(group, field.join('.'), f)}` : ''}`;
  }
  if (path === 'title') return f.applicationTitle;
  if (path.startsWith('deadlines.')) return `${plain(f.deadlines)}: ${(f.deadline as Record<string, string>)[path.slice(10)] ?? path.slice(10)}`;
  const at = path.lastIndexOf('.');
  const field = path.slice(at + 1);
  const own: Record<string, string> = { name: f.name, email: f.email, language: f.language };
  return at > 0 && own[field] ? `${plain(personLegend(path.slice(0, at), f))}: ${own[field]}` : path;
}
