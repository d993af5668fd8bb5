import { describe, expect, it } from 'vitest';
import { pl } from '../../i18n/pl';
import { escapeHtml } from '../../mail/html';
import { cookieBrowser } from '../support/browser';
import { useHarness, type Harness } from '../support/harness';
import { PASSWORD } from '../support/people';

// How k2flow says no, on real HTTP: to a person, a page in their language with a way back; to an
// approver, a page whatever went wrong; to anyone, the security headers, whoever answers (found
// by an independent tester of the HTTP layer).

let h: Harness;
useHarness((started) => ({ h } = started));

/** An application id no one used: the refusals below come before anything looks it up. */
const nobodys = 'app-00000000000000000000000000000000';

describe('sign-in', () => {
  it('ignores a language it does not speak, as every other page does', async () => {
    const polish = await fetch(`${h.baseUrl}/sign-in?lang=xx`);
    expect(polish.status).toBe(200);
    expect(await polish.text()).toContain('<html lang="pl">');
    const english = await fetch(`${h.baseUrl}/sign-in?lang=xx`, { headers: { 'accept-language': 'en' } });
    expect(english.status).toBe(200);
    expect(await english.text()).toContain('<html lang="en">');
    // The form's own language field too: a wrong password is answered with the page, not refused.
    const browser = cookieBrowser();
    const page = await browser.follow(`${h.baseUrl}/sign-in`);
    const wrong = await browser.submit(page.url, await page.response.text(), /^\/sign-in$/, { email: h.people.admin.email, password: 'not the password', lang: 'xx' });
    expect(wrong.response.status).toBe(401);
    expect(await wrong.response.text()).toContain(escapeHtml(pl.signIn.refused.wrong));
  });

  it('signs in an email address typed with spaces around it and in capitals', async () => {
    const res = await fetch(`${h.baseUrl}/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `  ${h.people.auditor.email.toUpperCase()} `, password: PASSWORD }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { user: { email: string } }).user.email).toBe(h.people.auditor.email);
  });

  it('refuses a cookie request without its CSRF token before saying anything about its body', async () => {
    const { headers } = await fetch(`${h.baseUrl}/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: h.people.admin.email, password: PASSWORD }) });
    const cookie = headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    for (const path of ['/api/applications', '/api/users', `/api/applications/${nobodys}/withdraw`]) {
      const res = await fetch(`${h.baseUrl}${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ nothing: 'valid' }) });
      expect(res.status, path).toBe(403);
      const { error } = (await res.json()) as { error: { code: string; problems?: unknown } };
      expect(error.code, path).toBe('FORBIDDEN');
      expect(error.problems, path).toBeUndefined();
    }
  });
});
