import { messagesFor } from '../../../i18n/messages';
import { escapeHtml, type Lang } from '../../../mail/html';
import type { Refusal } from '../refusal';

/** k2flow's own English sentence (a service's refusal, a check's reason) inside a page in `lang`, marked so a screen reader reads it as English. */
export const inEnglish = (text: string, lang: Lang): string => (lang === 'en' ? escapeHtml(text) : `<span lang="en">${escapeHtml(text)}</span>`);

/** Links to this same page in each language, the current one marked; `href` keeps what else the page's address says. */
export function languageLinks(lang: Lang, href: (l: Lang) => string = (l) => `?lang=${l}`): string {
  const link = (l: Lang) =>
    l === lang
      ? `<strong lang="${l}" aria-current="true">${escapeHtml(messagesFor(l).language.name)}</strong>`
      : `<a href="${escapeHtml(href(l))}" hreflang="${l}" lang="${l}" title="${escapeHtml(messagesFor(l).language.switchTo)}">${escapeHtml(messagesFor(l).language.name)}</a>`;
  return `${link('pl')} · ${link('en')}`;
}

/** The language links as the page's language navigation, after `before` (who is signed in, a way back). */
export const languageSwitch = (lang: Lang, href?: (l: Lang) => string, before = '') =>
  `<nav class="lang" aria-label="Język / Language">${before ? `${before} · ` : ''}${languageLinks(lang, href)}</nav>`;

/**
 * The shared shell of every HTML page. Pages run no scripts (mail scanners run them); a page for
 * signed-in people may name this site's own (`scripts`), and must then be served with a policy
 * that allows them (content-security.ts).
 */
export function page(title: string, body: string, lang: Lang = 'en', { wide = false, scripts = [] }: { wide?: boolean; scripts?: string[] } = {}): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)} · k2flow</title>${scripts.map((src) => `<script src="${escapeHtml(src)}" defer></script>`).join('')}
<style>body{font-family:system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;color:#222}
dt{font-weight:600}dd{margin:0 0 .6rem 0}textarea{width:100%;min-height:6rem}
button{margin:.4rem .4rem 0 0;padding:.5rem 1rem;font-size:1rem}.error{color:#a00}.muted{color:#666}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}
nav.lang{text-align:right;font-size:.9rem}body.wide{max-width:1200px}form.start label{display:inline-block;margin:0 .8rem .5rem 0;vertical-align:top}.row{display:flex;flex-wrap:wrap;align-items:flex-start;border:0;border-bottom:1px solid #eee;padding:.4rem 0;margin:0}.row legend{font-size:.85rem;color:#555;padding:0}.notice{color:#075}fieldset{margin:.8rem 0}h2{font-size:1.1rem;margin-top:1.5rem}.consequences li{margin:.3rem 0}</style></head>
<body${wide ? ' class="wide"' : ''}><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export const messagePage = (title: string, message: string, lang: Lang = 'en') => page(title, `<p>${escapeHtml(message)}</p>`, lang);

/** A refusal or fault in the reader's language, each refused field on its own line, k2flow's own (English) sentence beside it when there is one, and a way back. */
export const refusalPage = ({ title, lead, problems, detail }: Refusal, lang: Lang, back: { href: string; label: string }) =>
  page(
    title,
    `<p role="alert">${escapeHtml(lead)}</p>${problems.length ? `<ul>${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>` : ''}${detail ? `<p>${inEnglish(detail, lang)}</p>` : ''}<p><a href="${escapeHtml(back.href)}">${escapeHtml(back.label)}</a></p>`,
    lang,
  );
