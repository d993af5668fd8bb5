import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { en } from '../../i18n/en';
import { pl } from '../../i18n/pl';
import { escapeHtml } from '../../mail/html';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { cookieBrowser } from '../support/browser';
import { useHarness, type Harness } from '../support/harness';
import { PASSWORD } from '../support/people';

// How k2flow says no, on real HTTP: to a person, a page in their language with a way back; to an
// approver, a page whatever went wrong; to anyone, the security headers, whoever answers (found
// by an independent tester of the HTTP layer).

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

/** An application id no one used: the refusals below come before anything looks it up. */
const nobodys = 'app-00000000000000000000000000000000';

/** A browser signed in through the sign-in page, as `email`. */
async function signedIn(email: string) {
  const browser = cookieBrowser();
  const signInPage = await browser.follow(`${h.baseUrl}/sign-in`);
  const landed = await browser.submit(signInPage.url, await signInPage.response.text(), /^\/sign-in$/, { email, password: PASSWORD });
  expect(landed.response.status).toBe(200);
  return browser;
}

/** A page asked for as a browser asks, with the admin's key. */
const pageAs = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${h.baseUrl}${path}`, { headers: { authorization: `Bearer ${h.people.admin.key}`, accept: 'text/html', ...headers } });

function expectSecurityHeaders(headers: Headers, what: string) {
  expect(headers.get('content-security-policy'), what).toContain("default-src 'none'");
  expect(headers.get('x-frame-options'), what).toBe('DENY');
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(headers.get('cache-control'), what).toBe('no-store');
  expect(headers.get('x-request-id'), what).toBeTruthy();
}

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

describe('security headers and approvers’ pages on early answers', () => {
  it('answers a malformed or overlong approval link with a page in the reader’s language, with the security headers', async () => {
    for (const path of ['/approvals/%ff%fe', `/approvals/${'a'.repeat(5000)}`, '/approvals/a/b/c']) {
      for (const [acceptLanguage, t] of [['pl', pl], ['en-GB,en;q=0.9', en]] as const) {
        const res = await fetch(`${h.baseUrl}${path}`, { headers: { 'accept-language': acceptLanguage } });
        const what = `${path.slice(0, 40)} (${acceptLanguage})`;
        expect(res.status, what).toBeGreaterThanOrEqual(400);
        expect(res.status, what).toBeLessThan(500);
        expect(res.headers.get('content-type'), what).toContain('text/html');
        expectSecurityHeaders(res.headers, what);
        expect(await res.text(), what).toContain(escapeHtml(t.linkError.unknownBody));
      }
    }
  });

  it('sends the security headers with the router’s, the body parser’s and the HTTP parser’s own refusals', async () => {
    const key = h.people.admin.key;
    const answers = [
      ['a malformed path', await fetch(`${h.baseUrl}/api/%ZZ`, { headers: { authorization: `Bearer ${key}` } }), 400],
      ['an overlong path part', await fetch(`${h.baseUrl}/api/applications/${'a'.repeat(300)}`, { headers: { authorization: `Bearer ${key}` } }), 400],
      ['no such route', await fetch(`${h.baseUrl}/api/no-such-route`), 404],
      ['a body too large', await fetch(`${h.baseUrl}/api/applications`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'x'.repeat(2_000_000) }) }), 413],
    ] as const;
    for (const [what, res, status] of answers) {
      expect(res.status, what).toBe(status);
      expectSecurityHeaders(res.headers, what);
    }
    const { port } = new URL(h.baseUrl);
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end('GARBAGE\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString('latin1')));
      socket.on('close', () => resolve(data));
    });
    const [statusLine, ...lines] = raw.split('\r\n\r\n')[0]!.split('\r\n');
    expect(statusLine).toMatch(/^HTTP\/1\.1 400 /);
    const headers = new Headers(lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as [string, string]));
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('cache-control')).toBe('no-store');
  });
});

describe('refusal pages', () => {
  it("says a form that did not come from k2flow is refused in the page's language, with a way back to the form's page", async () => {
    const browser = await signedIn(h.people.coordinator.email);
    for (const [lang, t] of [['pl', pl], ['en', en]] as const) {
      // As a form on another site would post it: the session cookie goes along, the token does not.
      const res = await browser.send(`${h.baseUrl}/applications/${nobodys}/actions/extend?lang=${lang}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ deadline: '2030-01-01T12:00' }),
      });
      expect(res.status).toBe(403);
      const html = await res.text();
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).toContain(escapeHtml(t.errorPage.formExpired));
      expect(html).not.toContain('did not come from k2flow; reload');
      expect(html).toContain(`<a href="/applications/${nobodys}?lang=${lang}">${escapeHtml(t.errorPage.backToPage)}</a>`);
    }
  });

  it("names each refused filter of the list by its label, in the page's language, with the list to go back to", async () => {
    const small = await pageAs('/applications?size=-5');
    expect(small.status).toBe(400);
    const html = await small.text();
    expect(html).toContain(`${pl.list.pageSize}: ${pl.problem.atLeast(5)}`);
    expect(html).not.toContain('querystring');
    expect(html).toContain(`<a href="/applications?lang=pl">${escapeHtml(pl.errorPage.toList)}</a>`);

    const day = await pageAs('/applications?from=2020-13-45', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(day.status).toBe(400);
    const english = await day.text();
    expect(english).toContain(`${en.list.startedFrom}: ${en.problem.date}`);
    expect(english).toContain(`<a href="/applications?lang=en">${escapeHtml(en.errorPage.toList)}</a>`);
    expect(english).not.toContain('querystring');
  });

  it("names a refused part of a page's address by its label, and ignores a language it does not speak", async () => {
    const polish = await pageAs('/applications/bad$id');
    expect(polish.status).toBe(400);
    const html = await polish.text();
    expect(html).toContain(`${pl.addressField.id}: ${pl.problem.invalid}`);
    expect(html).not.toMatch(/>id: /);
    const english = await (await pageAs('/drafts/not-a-draft?lang=en')).text();
    expect(english).toContain(`${escapeHtml(en.addressField.id)}: ${en.problem.invalid}`);
    // `lang` switches the language and is never refused, however long or odd.
    const odd = await pageAs(`/dashboard?lang=${'x'.repeat(50)}`);
    expect(odd.status).toBe(200);
    expect(await odd.text()).toContain('<html lang="pl">');
  });

  it("names a refused field of a coordinator's action by its form's label, never by the field's name", async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[0]!.approver.email); // its record is written
    const posted = await fetch(`${h.baseUrl}/applications/${id}/actions/add-unit?lang=pl`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.people.admin.key}`, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: 'unit-9', name: 'Szkoła 9', approverName: 'Jan Nowak', approverEmail: 'jan.nowak@k2flow.test', approverLanguage: 'pl' }),
    });
    expect(posted.status).toBe(400);
    const html = await posted.text();
    expect(html).toContain(`${pl.startForm.language}: ${pl.problem.choice}`);
    expect(html).not.toContain('approverLanguage:');
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
  });
});

describe('the evidence check page', () => {
  it('says in the page’s language that no file was chosen, for a missing or empty upload', async () => {
    const uploads: Array<[string, FormData]> = [];
    const empty = new FormData();
    empty.append('export', new Blob([]), '');
    uploads.push(['an empty file', empty]);
    const none = new FormData();
    none.append('other', 'x');
    uploads.push(['no file', none]);
    for (const [what, body] of uploads) {
      const res = await fetch(`${h.baseUrl}/evidence/verify?lang=pl`, { method: 'POST', headers: { authorization: `Bearer ${h.people.auditor.key}` }, body });
      expect(res.status, what).toBe(400);
      const html = await res.text();
      expect(html, what).toContain(escapeHtml(pl.verifyPage.noFile));
      expect(html, what).not.toContain('Unexpected end of JSON');
    }
  });
});
