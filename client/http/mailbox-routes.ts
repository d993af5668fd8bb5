import { escapeHtml } from '../../mail/html';
import type { Mailbox } from '../../dev/mailbox';
import { messagePage, page } from './pages/layout';
import { sendPage } from './respond';
import type { createRouter } from './router';

/** The development mailbox: what the embedded SMTP server received, so links can be clicked locally. */
export function addMailboxRoutes(router: ReturnType<typeof createRouter>, mailbox: Mailbox): void {
  router.get('/dev/mailbox', async (_req, res) => {
    const rows = mailbox
      .list()
      .map((m) => `<tr><td>${escapeHtml(m.date.toISOString())}</td><td>${escapeHtml(m.to.join(', '))}</td><td><a href="/dev/mailbox/${m.id}">${escapeHtml(m.subject)}</a></td></tr>`)
      .join('');
    sendPage(res, 200, page('Development mailbox', `<p class="muted">Every email the embedded SMTP server received, newest first.</p><table><tr><th>Received</th><th>To</th><th>Subject</th></tr>${rows}</table>`));
  });
  router.get('/dev/mailbox/:id', async (_req, res, { id }) => {
    const mail = mailbox.get(id!);
    if (!mail) return sendPage(res, 404, messagePage('Not found', `No message ${id}.`));
    // The text part is shown, links made clickable; the HTML part is never rendered here.
    const text = escapeHtml(mail.text).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>');
    sendPage(res, 200, page(mail.subject, `<p class="muted">To ${escapeHtml(mail.to.join(', '))} · ${escapeHtml(mail.date.toISOString())} · <a href="/dev/mailbox">back</a></p><pre style="white-space:pre-wrap">${text}</pre>`));
  });
}
