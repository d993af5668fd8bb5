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

type MomentStyle = 'short' | 'short-seconds' | 'full';

// An Intl.DateTimeFormat is costly to build (toLocaleString builds one per call): one per language and style, kept.
const formats = new Map<string, Intl.DateTimeFormat>();
const warsawFormat = (lang: Lang, style: MomentStyle): Intl.DateTimeFormat => {
  const key = `${lang}:${style}`;
  let format = formats.get(key);
  if (!format) {
    const styles = style === 'full' ? ({ dateStyle: 'full', timeStyle: 'short' } as const) : ({ dateStyle: 'short', timeStyle: style === 'short' ? 'short' : 'medium' } as const);
    format = new Intl.DateTimeFormat(lang === 'pl' ? 'pl-PL' : 'en-GB', { timeZone: 'Europe/Warsaw', ...styles });
    formats.set(key, format);
  }
  return format;
};

// As toLocaleString does, an unreadable moment reads "Invalid Date" rather than throwing.
const formatted = (format: Intl.DateTimeFormat, iso: string): string => {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? String(at) : format.format(at);
};

/** A moment in Warsaw time, short, as a table cell shows it ("24.12.2026, 09:00"; with seconds for a timeline). */
export const formatShortMoment = (iso: string, lang: Lang = 'en', { seconds = false }: { seconds?: boolean } = {}): string =>
  formatted(warsawFormat(lang, seconds ? 'short-seconds' : 'short'), iso);

export const formatDeadline = (iso: string, lang: Lang = 'en'): string =>
  formatted(warsawFormat(lang, 'full'), iso) + (lang === 'pl' ? ' (czasu warszawskiego)' : ' (Warsaw time)');

/** Paragraphs of plain text, and the same as HTML. */
export function bilingualBody(lang: Lang, paragraphs: Array<string | { html: string; text: string }>) {
  const text = paragraphs.map((p) => (typeof p === 'string' ? p : p.text)).join('\n\n') + '\n';
  const html = paragraphs.map((p) => (typeof p === 'string' ? `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>` : p.html)).join('');
  return { text, html: (title: string) => emailDocument(title, html, lang) };
}
