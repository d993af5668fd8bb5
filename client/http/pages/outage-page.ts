import { escapeHtml, type Lang } from '../../../mail/html';
import { page } from './layout';

/** What the approver was doing when k2flow could not reach its database or Temporal. */
export type OutageMoment = 'open' | 'decide';

const text: Record<Lang, { title: string; open: string; decide: string; again: string; comment: string }> = {
  pl: {
    title: 'Spróbuj ponownie za kilka minut',
    open: 'k2flow jest chwilowo niedostępny, więc nie może teraz pokazać tej prośby ani zapisać decyzji. Nic nie zostało zmienione.',
    decide: 'Twoja decyzja nie została zapisana: k2flow jest chwilowo niedostępny.',
    again: 'Spróbuj ponownie za kilka minut, otwierając ten sam link.',
    comment: 'Twój komentarz (skopiuj go, aby wpisać go ponownie):',
  },
  en: {
    title: 'Try again in a few minutes',
    open: 'k2flow is unavailable for the moment, so it cannot show this request or record a decision now. Nothing was changed.',
    decide: 'Your decision was not recorded: k2flow is unavailable for the moment.',
    again: 'Please try again in a few minutes by opening the same link.',
    comment: 'Your comment (copy it to enter it again):',
  },
};

/**
 * The page an approver sees while the database or Temporal is down. The approver's language is
 * kept in the database, so the page speaks both: Polish first, unless the browser prefers English.
 */
export function approvalOutagePage({ moment, first, comment }: { moment: OutageMoment; first: Lang; comment?: string }): string {
  const order: Lang[] = first === 'en' ? ['en', 'pl'] : ['pl', 'en'];
  const sections = order.map((lang) => `<section lang="${lang}"><p><strong>${escapeHtml(text[lang][moment])}</strong></p><p>${escapeHtml(text[lang].again)}</p></section>`);
  // What they wrote is lost with the failed request; shown once, to copy.
  const kept = comment?.trim()
    ? `<hr>${order.map((lang) => `<p lang="${lang}" class="muted">${escapeHtml(text[lang].comment)}</p>`).join('')}<blockquote>${escapeHtml(comment.trim()).replace(/\n/g, '<br>')}</blockquote>`
    : '';
  return page(`${text[order[0]!].title} · ${text[order[1]!].title}`, sections.join('<hr>') + kept, order[0]);
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

const beingRecorded: Record<Lang, { title: string; body: string; receipt: string; again: string }> = {
  pl: {
    title: 'Decyzja jest zapisywana',
    body: 'Twoja decyzja dotarła do k2flow i jest właśnie zapisywana.',
    receipt: 'Gdy zostanie zapisana, otrzymasz potwierdzenie e-mailem.',
    again: 'Jeśli potwierdzenie nie dotrze w ciągu kilku minut, otwórz ten sam link ponownie: pozostaje ważny, a ponowne kliknięcie nie zapisze decyzji drugi raz.',
  },
  en: {
    title: 'Your decision is being recorded',
    body: 'Your decision reached k2flow and is being recorded now.',
    receipt: 'You will get a confirmation by email once it is recorded.',
    again: 'If no confirmation arrives within a few minutes, open the same link again: it stays valid, and clicking again never records the decision twice.',
  },
};

/** A decision the workflow accepted but has not written yet (a slow or restarting worker), in the party's language. */
export function decisionBeingRecordedPage(lang: Lang): string {
  const t = beingRecorded[lang];
  return page(t.title, `<p><strong>${escapeHtml(t.body)}</strong></p><p>${escapeHtml(t.receipt)}</p><p>${escapeHtml(t.again)}</p>`, lang);
}
