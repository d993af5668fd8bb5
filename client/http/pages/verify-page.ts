import { messagesFor } from '../../../i18n/messages';
import { escapeHtml, type Lang } from '../../../mail/html';
import type { EvidenceFileCheck } from '../../services/evidence-file';
import { inEnglish, languageSwitch, page } from './layout';

/** What a check of an uploaded export found: its own chain, and whether the database's trail begins with it. */
export type ExportCheck = Extract<EvidenceFileCheck, { kind: 'not-export' }> | (Extract<EvidenceFileCheck, { kind: 'checked' }> & { database: { matches: boolean; length: number } | null });

/** The page that checks an evidence export against its own hashes and the database's trail. */
export function verifyPage(lang: Lang, csrf: string, result: ExportCheck | null = null): string {
  const t = messagesFor(lang).verifyPage;
  let verdict = '';
  if (result?.kind === 'not-export') verdict = `<p class="error" role="alert"><strong>${escapeHtml(t.notExport)}: ${inEnglish(result.why, lang)}</strong></p>`;
  if (result?.kind === 'checked') {
    const own = result.intact ? escapeHtml(t.intact(result.length, result.head ?? '—')) : `${escapeHtml(t.altered)}: ${inEnglish(result.reason, lang)}.`;
    const db = !result.database ? t.unknownApplication : result.database.matches ? t.matches(result.database.length) : t.differs;
    const ok = result.intact && !!result.database?.matches;
    verdict = `<div class="${ok ? 'notice' : 'error'}" role="status"><p><strong>${escapeHtml(result.applicationId)}</strong></p><p><strong>${own}</strong></p><p>${escapeHtml(db)}</p></div>`;
  }
  const form = `<form method="post" action="/evidence/verify?lang=${lang}" enctype="multipart/form-data"><input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">
<p><label>${escapeHtml(t.file)}<br><input type="file" name="export" accept="application/json,.json,application/pdf,.pdf" required></label></p><button type="submit">${escapeHtml(t.check)}</button></form>`;
  return page(t.title, `${languageSwitch(lang)}${verdict}<p>${escapeHtml(t.intro)}</p>${form}`, lang);
}
