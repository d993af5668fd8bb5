import { escapeHtml, type Lang } from '../../../mail/html';
import { messagesFor } from '../../../i18n/messages';
import { page } from './layout';

/**
 * What the approver was doing when k2flow could not reach its database or Temporal. After a press,
 * the page cannot say the decision was lost: an update Temporal took but no worker accepted in time
 * is still applied once one does.
 */
export type OutageMoment = 'open' | 'decide';

/**
 * The page an approver sees while the database or Temporal is down. The approver's language is
 * kept in the database, so the page speaks both: Polish first, unless the browser prefers English.
 */
export function approvalOutagePage({ moment, first, comment }: { moment: OutageMoment; first: Lang; comment?: string }): string {
  const order: Lang[] = first === 'en' ? ['en', 'pl'] : ['pl', 'en'];
  const text = (lang: Lang) => messagesFor(lang).outage;
  const sections = order.map((lang) => `<section lang="${lang}"><p><strong>${escapeHtml(text(lang)[moment])}</strong></p><p>${escapeHtml(text(lang)[moment === 'decide' ? 'decideAgain' : 'again'])}</p></section>`);
  // What they wrote is lost with the failed request; shown once, to copy.
  const kept = comment?.trim()
    ? `<hr>${order.map((lang) => `<p lang="${lang}" class="muted">${escapeHtml(text(lang).comment)}</p>`).join('')}<blockquote>${escapeHtml(comment.trim()).replace(/\n/g, '<br>')}</blockquote>`
    : '';
  return page(`${text(order[0]!).title} · ${text(order[1]!).title}`, sections.join('<hr>') + kept, order[0]);
}

/**
 * The language the browser prefers of the two k2flow speaks, or null when it names neither
 * (Accept-Language, e.g. "en-GB,en;q=0.9,pl;q=0.8").
 */
export function preferredLanguage(acceptLanguage: string | undefined): Lang | null {
  let best: { lang: Lang; q: number } | null = null;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const lang = tag?.split('-')[0];
    if (lang !== 'pl' && lang !== 'en') continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang, q };
  }
  return best?.lang ?? null;
}

/** A decision the workflow accepted but has not written yet (a slow or restarting worker), in the party's language. */
export function decisionBeingRecordedPage(lang: Lang): string {
  const t = messagesFor(lang).beingRecorded;
  return page(t.title, `<p><strong>${escapeHtml(t.body)}</strong></p><p>${escapeHtml(t.receipt)}</p><p>${escapeHtml(t.again)}</p>`, lang);
}
