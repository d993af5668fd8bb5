import { messagesFor } from '../i18n/messages';

export type Lang = 'pl' | 'en';

/** "Application — unit", or the application alone where the step concerns all of it (the board, the promoter). */
export const concerning = (applicationTitle: string, subject: string) => (subject && subject !== applicationTitle ? `${applicationTitle} — ${subject}` : applicationTitle);

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => entities[c]!);

/** Wraps an email body in the minimal document every k2flow email shares. */
export function emailDocument(title: string, bodyHtml: string, lang: Lang = 'en'): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:sans-serif;max-width:640px">${bodyHtml}` +
    `<p style="color:#666;font-size:12px">${escapeHtml(messagesFor(lang).mail.footer)}</p></body></html>`;
}

/** A moment in Warsaw time, short, as a table cell shows it ("24.12.2026, 09:00"; with seconds for a timeline). */
export const formatShortMoment = (iso: string, lang: Lang = 'en', { seconds = false }: { seconds?: boolean } = {}): string =>
  new Date(iso).toLocaleString(lang === 'pl' ? 'pl-PL' : 'en-GB', { timeZone: 'Europe/Warsaw', dateStyle: 'short', timeStyle: seconds ? 'medium' : 'short' });

export const formatDeadline = (iso: string, lang: Lang = 'en'): string =>
  new Date(iso).toLocaleString(lang === 'pl' ? 'pl-PL' : 'en-GB', { timeZone: 'Europe/Warsaw', dateStyle: 'full', timeStyle: 'short' }) +
  (lang === 'pl' ? ' (czasu warszawskiego)' : ' (Warsaw time)');

/** Paragraphs of plain text, and the same as HTML. */
export function bilingualBody(lang: Lang, paragraphs: Array<string | { html: string; text: string }>) {
  const text = paragraphs.map((p) => (typeof p === 'string' ? p : p.text)).join('\n\n') + '\n';
  const html = paragraphs.map((p) => (typeof p === 'string' ? `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>` : p.html)).join('');
  return { text, html: (title: string) => emailDocument(title, html, lang) };
}
