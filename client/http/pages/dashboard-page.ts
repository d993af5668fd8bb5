import { messagesFor, roleName, stepName, wordFor } from '../../../i18n/messages';
import { escapeHtml, formatShortMoment, type Lang } from '../../../mail/html';
import type { Dashboard } from '../../services/dashboard';
import { languageSwitch, page } from './layout';

const DAY_MS = 86_400_000;

/** A coordinator's running applications: whom each waits for and by when, missed deadlines first. */
export function dashboardPage(d: Dashboard, lang: Lang, who: { name: string; role: string }, drafts: Array<{ id: string; title: string; variant: string; updatedAt: Date }> = []): string {
  const t = messagesFor(lang);
  const b = t.dashboard;
  const nav = languageSwitch(lang, undefined, `<span>${escapeHtml(t.list.signedInAs(who.name, who.role))}</span> · <a href="/applications?lang=${lang}">${escapeHtml(b.all)}</a>`);
  const counts = `<p class="counts"><strong>${escapeHtml(b.running(d.applications.length))}</strong> — <span class="${d.overdue ? 'error' : ''}">${escapeHtml(b.overdue(d.overdue))}</span>, ${escapeHtml(b.dueSoon(d.dueSoon))}</p>`;
  const relative = (deadline: Date) => {
    const days = Math.floor((deadline.getTime() - d.now.getTime()) / DAY_MS);
    return deadline < d.now ? b.daysLate(Math.ceil((d.now.getTime() - deadline.getTime()) / DAY_MS)) : b.daysLeft(days);
  };
  const items = d.applications
    .map((a) => {
      const waiting = a.waitingFor.length
        ? `<ul>${a.waitingFor
            .map(
              (w) =>
                `<li${w.overdue ? ' class="overdue"' : ''}>${escapeHtml(w.partyName)} (${escapeHtml(roleName(w.partyRole, lang))})${w.unitName ? ` — ${escapeHtml(w.unitName)}` : ''} — ${escapeHtml(stepName(w.step, lang))}${w.round > 1 ? `, ${escapeHtml(t.evidence.round(w.round))}` : ''} — ${escapeHtml(formatShortMoment(w.deadline.toISOString(), lang))} <strong${w.overdue ? ' class="error"' : ''}>(${escapeHtml(relative(w.deadline))})</strong></li>`,
            )
            .join('')}</ul>`
        : `<p class="muted">${escapeHtml(b.nothingWaiting)}</p>`;
      return `<section class="application"><h2><a href="/applications/${escapeHtml(encodeURIComponent(a.id))}?lang=${lang}">${escapeHtml(a.title)}</a></h2><p class="muted">${escapeHtml(wordFor('variant', a.variant, lang))} · ${escapeHtml(a.office ?? '—')}</p><p>${escapeHtml(b.waitsFor)}:</p>${waiting}</section>`;
    })
    .join('\n');
  const draftList = drafts.length
    ? `<section class="drafts"><h2>${escapeHtml(b.drafts)}</h2><ul>${drafts.map((x) => `<li><a href="/drafts/${escapeHtml(encodeURIComponent(x.id))}?lang=${lang}">${escapeHtml(x.title || t.drafts.untitled)}</a> <small class="muted">${escapeHtml(wordFor('variant', x.variant, lang))} · ${escapeHtml(formatShortMoment(x.updatedAt.toISOString(), lang))}</small></li>`).join('')}</ul></section>`
    : '';
  return page(b.title, nav + counts + (items || `<p>${escapeHtml(b.none)}</p>`) + draftList, lang, { wide: true });
}
