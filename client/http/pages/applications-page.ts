import { messagesFor, type Messages } from '../../../i18n/messages';
import { variants } from '../../../domain/application-input';
import { escapeHtml, formatShortMoment, type Lang } from '../../../mail/html';
import type { ApplicationFilters } from '../../services/application-search';
import { languageSwitch, page } from './layout';

interface Found {
  total: number;
  byStatus: Array<{ status: string; count: number }>;
  pages: number;
  rows: Array<{ id: string; title: string; variant: string; status: string; office: string | null; createdAt: Date; nextDeadline: Date | null; overdue: boolean }>;
}

const statuses = ['collecting-sign-offs', 'approved', 'submitted', 'concluded', 'rejected', 'failed', 'lapsed', 'withdrawn'] as const;

const word = (table: Record<string, string>, key: string) => table[key] ?? key;

/** This list's address with the given filters changed (the others kept). */
function linkWith(f: ApplicationFilters, lang: Lang, change: Partial<Record<keyof ApplicationFilters, string | number>>): string {
  const params = new URLSearchParams();
  const merged = { ...f, lang, ...change };
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === '' || (key === 'page' && value === 1) || (key === 'size' && value === 25)) continue;
    params.set(key, String(value));
  }
  const query = params.toString();
  return `/applications${query ? `?${query}` : ''}`;
}

function options(values: readonly string[], chosen: string | undefined, label: (v: string) => string, any: string): string {
  return [`<option value="">${escapeHtml(any)}</option>`, ...values.map((v) => `<option value="${escapeHtml(v)}"${v === chosen ? ' selected' : ''}>${escapeHtml(label(v))}</option>`)].join('');
}

function filtersForm(f: ApplicationFilters, t: Messages, lang: Lang): string {
  const l = t.list;
  const variantOf = (v: string) => word(t.variant, v);
  const statusOf = (s: string) => word(t.applicationStatus, s);
  const waiting = [
    ['', l.waitingAny],
    ['deadline', l.waitingDeadline],
    ['overdue', l.waitingOverdue],
  ]
    .map(([v, label]) => `<option value="${v}"${(f.waiting ?? '') === v ? ' selected' : ''}>${escapeHtml(label!)}</option>`)
    .join('');
  return `<form method="get" action="/applications" class="filters">
<input type="hidden" name="lang" value="${lang}">
<p><label for="q">${escapeHtml(l.search)}</label><br><input id="q" name="q" type="search" value="${escapeHtml(f.q ?? '')}" maxlength="200" size="50"></p>
<p><label for="variant">${escapeHtml(l.variant)}</label> <select id="variant" name="variant">${options(variants, f.variant, variantOf, l.any)}</select>
<label for="status">${escapeHtml(l.status)}</label> <select id="status" name="status">${options(statuses, f.status, statusOf, l.any)}</select>
<label for="waiting">${escapeHtml(l.waiting)}</label> <select id="waiting" name="waiting">${waiting}</select></p>
<p><label for="from">${escapeHtml(l.startedFrom)}</label> <input id="from" name="from" type="date" value="${escapeHtml(f.from ?? '')}">
<label for="to">${escapeHtml(l.startedTo)}</label> <input id="to" name="to" type="date" value="${escapeHtml(f.to ?? '')}">
<button type="submit">${escapeHtml(l.apply)}</button> <a href="/applications?lang=${lang}">${escapeHtml(l.clear)}</a></p>
</form>`;
}

/** All applications a person may see, searched, filtered and paged, with counts at the top. */
export function applicationsPage(found: Found, f: ApplicationFilters, lang: Lang, who: { name: string; role: string }): string {
  const t = messagesFor(lang);
  const l = t.list;
  const nav = languageSwitch(lang, (l) => linkWith(f, l, {}), `<span>${escapeHtml(l.signedInAs(who.name, who.role))}</span>`);
  const counts = `<p class="counts"><strong>${escapeHtml(l.found(found.total))}</strong>${
    found.byStatus.length ? ` — ${found.byStatus.map((s) => `${escapeHtml(word(t.applicationStatus, s.status))}: ${s.count}`).join(', ')}` : ''
  }</p>`;
  const rows = found.rows
    .map(
      (r) => `<tr><td><a href="/applications/${escapeHtml(encodeURIComponent(r.id))}?lang=${lang}">${escapeHtml(r.title)}</a><br><small class="muted">${escapeHtml(r.id)}</small></td>
<td>${escapeHtml(word(t.variant, r.variant))}</td><td>${escapeHtml(word(t.applicationStatus, r.status))}</td><td>${escapeHtml(r.office ?? '—')}</td>
<td>${r.nextDeadline ? `${escapeHtml(formatShortMoment(r.nextDeadline.toISOString(), lang))}${r.overdue ? ` <strong class="error">(${escapeHtml(l.overdue)})</strong>` : ''}` : '—'}</td>
<td>${escapeHtml(formatShortMoment(r.createdAt.toISOString(), lang))}</td></tr>`,
    )
    .join('\n');
  const table = found.rows.length
    ? `<table><thead><tr><th>${escapeHtml(l.application)}</th><th>${escapeHtml(l.variant)}</th><th>${escapeHtml(l.status)}</th><th>${escapeHtml(l.office)}</th><th>${escapeHtml(l.nextDeadline)}</th><th>${escapeHtml(l.started)}</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p>${escapeHtml(l.noneFound)}</p>`;
  const paging = `<p class="paging">${f.page > 1 ? `<a rel="prev" href="${escapeHtml(linkWith(f, lang, { page: f.page - 1 }))}">${escapeHtml(l.previous)}</a> ` : ''}${escapeHtml(l.page(Math.min(f.page, found.pages), found.pages))}${
    f.page < found.pages ? ` <a rel="next" href="${escapeHtml(linkWith(f, lang, { page: f.page + 1 }))}">${escapeHtml(l.next)}</a>` : ''
  }</p>`;
  return page(l.title, nav + filtersForm(f, t, lang) + counts + table + paging, lang, { wide: true });
}
