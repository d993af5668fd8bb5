import { messagesFor } from '../../../i18n/messages';
import { escapeHtml, type Lang } from '../../../mail/html';
import type { DatabaseComparison } from '../../services/evidence';
import type { EvidenceFileCheck } from '../../services/evidence-file';
import { MAX_DIFFERENCES } from '../../services/evidence-sections';
import { inEnglish, languageSwitch, page } from './layout';

/** What a check of an uploaded export found (nothing, when no file came): its own chain, whether the database's trail begins with it, and where its other sections differ. */
export type ExportCheck =
  | { kind: 'no-file' }
  | Extract<EvidenceFileCheck, { kind: 'not-export' }>
  | (Extract<EvidenceFileCheck, { kind: 'checked' }> & { database: DatabaseComparison | null });

/** The page that checks an evidence export against its own hashes, the database's trail and what the database says of the application. */
export function verifyPage(lang: Lang, csrf: string, result: ExportCheck | null = null): string {
  const t = messagesFor(lang).verifyPage;
  let verdict = '';
  if (result?.kind === 'no-file') verdict = `<p class="error" role="alert"><strong>${escapeHtml(t.noFile)}</strong></p>`;
  if (result?.kind === 'not-export') verdict = `<p class="error" role="alert"><strong>${escapeHtml(t.notExport)}: ${inEnglish(result.why, lang)}</strong></p>`;
  if (result?.kind === 'checked') {
    const own = result.intact ? escapeHtml(t.intact(result.length, result.head ?? '—')) : `${escapeHtml(t.altered)}: ${inEnglish(result.reason, lang)}.`;
    const { database } = result;
    const db = !database ? t.unknownApplication : database.matches ? t.matches(database.length) : t.differs;
    const ok = result.intact && !!database?.matches && database.differences.length === 0;
    const headline = database ? `<p><strong>${escapeHtml(ok ? t.allMatch : t.notAllMatch)}</strong></p>` : '';
    verdict = `<div class="${ok ? 'notice' : 'error'}" role="status"><p><strong>${escapeHtml(result.applicationId)}</strong></p>${headline}<p><strong>${own}</strong></p><p>${escapeHtml(db)}</p>${database ? sections(database, result.length, lang) : ''}${result.file === 'pdf' ? `<p class="muted">${escapeHtml(t.pdfPagesNotCompared)}</p>` : ''}</div>`;
  }
  const form = `<form method="post" action="/evidence/verify?lang=${lang}" enctype="multipart/form-data"><input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">
<p><label>${escapeHtml(t.file)}<br><input type="file" name="export" accept="application/json,.json,application/pdf,.pdf" required></label></p><button type="submit">${escapeHtml(t.check)}</button></form>`;
  return page(t.title, `${languageSwitch(lang)}${verdict}<p>${escapeHtml(t.intro)}</p>${form}`, lang);
}

/** The sections no hash covers, against the database: each value that differs, or that they match. */
function sections({ differences, length }: DatabaseComparison, exported: number, lang: Lang): string {
  const t = messagesFor(lang).verifyPage;
  const temporal = `<p class="muted">${escapeHtml(t.temporalNotCompared)}</p>`;
  if (!differences.length) return `<p>${escapeHtml(t.sectionsMatch)}</p>${temporal}`;
  const items = differences.map((d) => `<li>${escapeHtml(t.difference(d.path, d.exported, d.database))}</li>`).join('');
  const more = differences.length >= MAX_DIFFERENCES ? `<p>${escapeHtml(t.moreDifferences(differences.length))}</p>` : '';
  const grown = length > exported ? `<p>${escapeHtml(t.grown(exported, length))}</p>` : '';
  return `<p><strong>${escapeHtml(t.sectionsDiffer)}</strong></p><ul>${items}</ul>${more}${grown}${temporal}`;
}
