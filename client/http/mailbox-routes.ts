import { z } from 'zod';
import type { Mailbox } from '../../dev/mailbox';
import { messagesFor } from '../../i18n/messages';
import { escapeHtml, formatShortMoment, type Lang } from '../../mail/html';
import { pageLanguage } from './page-language';
import { withLanguage } from './route-schemas';
import { languageSwitch, messagePage, page } from './pages/layout';
import type { HttpApp } from './server';

/** When the mailbox received a message, in Warsaw time to the second. */
const received = (m: { date: Date }, lang: Lang) => escapeHtml(formatShortMoment(m.date.toISOString(), lang, { seconds: true }));

/**
 * The development mailbox: what the embedded SMTP server received, so links can be clicked
 * locally. It shows every approver's link, so only admins may read it. In Polish unless the
 * reader chooses English (`?lang=en`) or their browser prefers it; times in Warsaw time.
 */
export function addMailboxRoutes(app: HttpApp, mailbox: Mailbox): void {
  app.get('/dev/mailbox', { config: { access: 'manage' }, schema: { hide: true, querystring: withLanguage } }, async (request, reply) => {
    const lang = pageLanguage(request);
    const t = messagesFor(lang).mailbox;
    const rows = mailbox
      .list()
      .map((m) => `<tr><td>${received(m, lang)}</td><td>${escapeHtml(m.to.join(', '))}</td><td><a href="/dev/mailbox/${m.id}?lang=${lang}">${escapeHtml(m.subject)}</a></td></tr>`)
      .join('');
    return reply
      .type('text/html; charset=utf-8')
      .send(page(t.title, `${languageSwitch(lang)}<p class="muted">${escapeHtml(t.lead)}</p><table><tr><th>${escapeHtml(t.received)}</th><th>${escapeHtml(t.to)}</th><th>${escapeHtml(t.subject)}</th></tr>${rows}</table>`, lang));
  });
  app.get(
    '/dev/mailbox/:id',
    { config: { access: 'manage' }, schema: { hide: true, params: z.object({ id: z.string().max(100) }), querystring: withLanguage } },
    async (request, reply) => {
      const lang = pageLanguage(request);
      const t = messagesFor(lang).mailbox;
      const mail = mailbox.get(request.params.id);
      if (!mail) return reply.code(404).type('text/html; charset=utf-8').send(messagePage(t.notFound, t.noSuchMessage(request.params.id), lang));
      // The text part is shown, links made clickable; the HTML part is never rendered here.
      const text = escapeHtml(mail.text).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>');
      const meta = `${escapeHtml(t.to)} ${escapeHtml(mail.to.join(', '))} · ${received(mail, lang)} · <a href="/dev/mailbox?lang=${lang}">${escapeHtml(t.back)}</a>`;
      return reply
        .type('text/html; charset=utf-8')
        .send(page(mail.subject, `${languageSwitch(lang)}<p class="muted">${meta}</p><pre style="white-space:pre-wrap">${text}</pre>`, lang));
    },
  );
}
