import type { Variant } from '../../../domain/application-input';
import type { FieldProblem } from '../../../domain/domain-error';
import { messagesFor, roleName, stageName, stepName, wordFor } from '../../../i18n/messages';
import { escapeHtml, formatShortMoment, type Lang } from '../../../mail/html';
import type { DraftPreview } from '../../services/drafts';
import { languageSwitch, page } from './layout';
import { fieldLabel } from './start-page';

export interface DraftView {
  id: string;
  variant: Variant;
  title: string;
  createdByName: string;
  updatedAt: Date;
  /** In the page's language, by the form's paths. */
  problems: FieldProblem[];
  /** Who will be asked what and when; empty while it cannot be sent. */
  stages: DraftPreview['stages'];
}

/**
 * One draft: what stops it from being sent, or who will be asked what and when; then edit it in
 * the form, send it (which starts the application) or delete it. Plain forms, no scripts.
 */
export function draftPage(d: DraftView, lang: Lang, csrf: string, notice: string | null = null): string {
  const t = messagesFor(lang);
  const r = t.drafts;
  const when = (iso: string) => escapeHtml(formatShortMoment(iso, lang));
  const nav = languageSwitch(lang, undefined, `<a href="/dashboard?lang=${lang}">${escapeHtml(t.dashboard.title)}</a>`);
  const head = `<p class="muted">${escapeHtml(wordFor('variant', d.variant, lang))} · ${escapeHtml(r.by(d.createdByName, formatShortMoment(d.updatedAt.toISOString(), lang)))}</p>`;
  const state = d.problems.length
    ? `<div class="error" role="alert"><p><strong>${escapeHtml(r.problems)}</strong></p><ul>${d.problems.map((p) => `<li>${escapeHtml(fieldLabel(p.path, d.variant, t))}: ${escapeHtml(p.message)}</li>`).join('')}</ul></div>`
    : `<p class="notice" role="status"><strong>${escapeHtml(r.ready)}</strong></p>`;
  const preview = d.stages.length
    ? `<h2>${escapeHtml(r.preview)}</h2>${d.stages
        .map((stage) => {
          const rows = stage.steps
            .map((s) => {
              const moved = s.effectiveDeadline !== s.deadline ? `<br><small>${escapeHtml(r.movedFrom(formatShortMoment(s.deadline, lang)))}</small>` : '';
              const parties = s.parties.map((p) => `${escapeHtml(p.name)} <small class="muted">(${escapeHtml(roleName(p.role, lang))})</small>`).join('<br>');
              return `<tr><td>${escapeHtml(stepName(s.stepId, lang))}</td><td>${escapeHtml(s.unitKey ?? '—')}</td><td>${parties}</td><td>${when(s.effectiveDeadline)}${moved}</td><td>${s.reminders.map(when).join('<br>') || '—'}</td></tr>`;
            })
            .join('');
          return `<h3>${escapeHtml(stageName(stage.stageId, lang))}</h3><table class="preview"><thead><tr><th scope="col">${escapeHtml(t.history.step)}</th><th scope="col">${escapeHtml(r.unit)}</th><th scope="col">${escapeHtml(r.parties)}</th><th scope="col">${escapeHtml(t.history.deadline)}</th><th scope="col">${escapeHtml(t.history.reminders)}</th></tr></thead><tbody>${rows}</tbody></table>`;
        })
        .join('')}`
    : '';
  const base = `/drafts/${encodeURIComponent(d.id)}`;
  const token = `<input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">`;
  const actions = `<h2>${escapeHtml(t.actions.title)}</h2>
<p><a href="/applications/new?variant=${d.variant}&amp;draft=${encodeURIComponent(d.id)}&amp;lang=${lang}">${escapeHtml(r.edit)}</a></p>
${d.problems.length ? '' : `<form method="post" action="${base}/send?lang=${lang}" class="send">${token}<button type="submit">${escapeHtml(r.send)}</button></form>`}
<details class="action remove"><summary>${escapeHtml(r.remove)}</summary><form method="post" action="${base}/delete?lang=${lang}" class="remove"><fieldset><legend>${escapeHtml(r.remove)}</legend>${token}<p><label><input type="checkbox" name="confirm" value="yes" required> ${escapeHtml(r.confirmRemove)}</label></p><button type="submit">${escapeHtml(r.remove)}</button></fieldset></form></details>`;
  const said = notice ? `<p class="error" role="alert"><strong>${escapeHtml(notice)}</strong></p>` : '';
  return page(d.title || r.untitled, nav + head + said + state + preview + actions, lang, { wide: true });
}
