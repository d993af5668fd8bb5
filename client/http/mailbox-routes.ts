import { z } from 'zod';
import type { Mailbox } from '../../dev/mailbox';
import { escapeHtml } from '../../mail/html';
import { messagePage, page } from './pages/layout';
import type { HttpApp } from './server';

/**
 * The development mailbox: what the embedded SMTP server received, so links can be clicked
 * locally. It shows every approver's link, so only admins may read it.
 */
export function addMailboxRoutes(app: HttpApp, mailbox: Mailbox): void {
  app.get('/dev/mailbox', { config: { access: 'manage' }, schema: { hide: true } }, async (_request, reply) => {
    const rows = mailbox
      .list()
      .map((m) => `<tr><td>${escapeHtml(m.date.toISOString())}</td><td>${escapeHtml(m.to.join(', '))}</td><td><a href="/dev/mailbox/${m.id}">${escapeHtml(m.subject)}</a></td></tr>`)
      .join('');
    return reply
      .type('text/html; charset=utf-8')
      .send(page('Development mailbox', `<p class="muted">Every email the embedded SMTP server received, newest first.</p><table><tr><th>Received</th><th>To</th><th>Subject</th></tr>${rows}</table>`));
  });
  app.get('/dev/mailbox/:id', { config: { access: 'manage' }, schema: { hide: true, params: z.object({ id: z.string().max(100) }) } }, async (request, reply) => {
    const mail = mailbox.get(request.params.id);
    if (!mail) return reply.code(404).type('text/html; charset=utf-8').send(messagePage('Not found', `No message ${request.params.id}.`));
    // The text part is shown, links made clickable; the HTML part is never rendered here.
    const text = escapeHtml(mail.text).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>');
    return reply
      .type('text/html; charset=utf-8')
      .send(page(mail.subject, `<p class="muted">To ${escapeHtml(mail.to.join(', '))} · ${escapeHtml(mail.date.toISOString())} · <a href="/dev/mailbox">back</a></p><pre style="white-space:pre-wrap">${text}</pre>`));
  });
}
