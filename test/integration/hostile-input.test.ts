import { describe, expect, it } from 'vitest';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { cookieBrowser } from '../support/browser';
import { useHarness, type Harness } from '../support/harness';
import { PASSWORD } from '../support/people';

// Input made to hurt: control characters in what people type, redirects out of the site, names of
// object built-ins. Each is refused at the boundary with a 4xx and a sentence, and nothing it
// touched is left half-done (found by an independent review of the pages, 2026-12-02).

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

describe('hostile input', () => {
  it('refuses a NUL in anything a person types, so no activity is left failing on it', async () => {
    const input = makeInput({ units: 1 });
    const started = await api.start({ ...input, title: 'Nul\u0000title' });
    expect(started.status).toBe(400);
    expect(started.body.error.problems).toEqual([{ path: 'title', message: 'must not contain control characters' }]);

    const id = await api.startOk(input);
    const link = await api.linkFor(input.units[0]!.approver.email);
    const pressed = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve&comment=ok%00nul' });
    expect(pressed.status).toBe(400);
    const refusal = await pressed.text();
    expect(refusal).toContain('Nie udało się odczytać tego, co przesłano');
    expect(refusal).toContain('<blockquote>oknul</blockquote>'); // what they wrote, to copy, without the NUL
    // Nothing was recorded, and the same link still decides.
    expect((await h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id }, select: { status: true } })).status).toBe('pending');
    expect((await api.decide(link, 'approve', 'Zgoda')).status).toBe(200);

    // A lone surrogate (PostgreSQL refuses it in jsonb) and nesting deeper than any request needs.
    const broken = await api.postJson('/api/drafts', { variant: 'individual-cooperation', title: 'x\ud800' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.problems).toEqual([{ path: 'title', message: 'must not contain control characters' }]);
    let deep: unknown = 'end';
    for (let i = 0; i < 100; i++) deep = { deeper: deep };
    const nested = await api.postJson('/api/drafts', { variant: 'individual-cooperation', deep });
    expect(nested.status).toBe(400);
    expect(nested.body.error.problems[0].message).toBe('is nested too deeply');

    const search = await fetch(`${h.baseUrl}/api/applications?q=%00`, { headers: { authorization: `Bearer ${h.people.admin.key}` } });
    expect(search.status).toBe(400);
    const page = await fetch(`${h.baseUrl}/applications?q=%00`, { headers: { authorization: `Bearer ${h.people.admin.key}`, accept: 'text/html' } });
    expect(page.status).toBe(400);
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
  });

  it('sends a browser only to this site after signing in, however the address is disguised', async () => {
    // Paths that resolve to `//host` or `/\host` (the browser's reading of another host's address) among them.
    const dotted = ['/.//evil.example/x', '/..//evil.example/x', '/../evil.example/x', '/%2e//evil.example/x', '/./\\evil.example/x', '/a/..//evil.example', '/.%2f/evil.example'];
    const nexts = ['/\t/evil.example/steal', '/\n/evil.example', '//evil.example', '/\\evil.example', 'https://evil.example/', '/%0a/x', '/\u2028x', ...dotted];
    // Spread over three accounts: each may try ten sign-ins in 15 minutes.
    const people = [h.people.admin, h.people.coordinator, h.people.auditor];
    for (const [i, next] of nexts.entries()) {
      const browser = cookieBrowser();
      const signIn = await browser.follow(`${h.baseUrl}/sign-in`);
      const html = await signIn.response.text();
      const token = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
      const answer = await browser.send(`${h.baseUrl}/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, email: people[i % people.length]!.email, password: PASSWORD, next }),
      });
      expect(answer.status, JSON.stringify(next)).toBe(303);
      const location = new URL(answer.headers.get('location')!, h.baseUrl);
      expect(location.origin, JSON.stringify(next)).toBe(h.baseUrl);
      expect(answer.headers.get('location'), JSON.stringify(next)).toMatch(/^\/(?![/\\])/);
    }
  });

  it("shows no notice for a `done` that names an object's built-ins", async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[0]!.approver.email); // its record is written
    for (const done of ['constructor', '__proto__', 'toString']) {
      const res = await fetch(`${h.baseUrl}/applications/${id}?done=${done}`, { headers: { authorization: `Bearer ${h.people.admin.key}`, accept: 'text/html' } });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).not.toContain('native code');
      expect(html).not.toContain('[object Object]');
    }
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Test over' });
  });
});
