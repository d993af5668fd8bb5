import { createHash, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../auth/create-auth';
import { hashSessionToken } from '../../auth/hashed-session-tokens';
import { createHttpServer } from '../../client/http/server';
import { freePort } from '../../dev/free-port';
import { makeInput } from '../support/application-input';
import { cookieBrowser } from '../support/browser';
import type { apiOf } from '../support/api';
import { useHarness, type Harness } from '../support/harness';
import { PASSWORD, personWithKey, testSignIn } from '../support/people';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const call = (path: string, init: RequestInit & { key?: string } = {}) =>
  fetch(new URL(path, h.baseUrl), { ...init, headers: { ...(init.key ? { authorization: `Bearer ${init.key}` } : {}), ...(init.headers as Record<string, string>) } });

/** A concrete path for a route pattern: an application of the k2flow office, its first unit. */
const concrete = (url: string, id: string) => url.replace(':id', id).replace(':unitKey', 'unit-1').replace(':keyId', 'no-such-key').replace(':versionId', '00000000-0000-4000-8000-000000000000');

/** Sends one raw HTTP/1.1 request and returns the status line (or '' if the connection closed). */
function raw(request: string): Promise<string> {
  const { port } = new URL(h.baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
    socket.on('error', () => resolve(''));
  });
}

async function signIn(email: string, password = PASSWORD) {
  const res = await call('/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return { res, cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
}

describe('who may do what', () => {
  it('guards every route of the API: 401 without credentials, 403 for a role without the permission', async () => {
    const id = await api.startOk(makeInput({ units: 1 }));
    const guarded = h.app.routeTable.filter((r) => r.access !== 'public' && r.access !== 'approval-link');
    expect(guarded.length).toBeGreaterThan(15);
    for (const route of guarded) {
      const body = route.method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {};
      // The development pages answer a browser, which is sent to sign in first; everything else answers 401.
      const refused = async (res: Response, what: string) => {
        if (route.method === 'GET' && route.url.startsWith('/dev/')) {
          expect(res.status, what).toBe(303);
          expect(res.headers.get('location'), what).toBe(`/sign-in?next=${encodeURIComponent(concrete(route.url, id))}`);
        } else expect(res.status, what).toBe(401);
      };
      await refused(await call(concrete(route.url, id), { method: route.method, redirect: 'manual', ...body }), `${route.method} ${route.url} without credentials`);
      await refused(await call(concrete(route.url, id), { method: route.method, redirect: 'manual', key: 'k2f_not-a-real-key', ...body }), `${route.method} ${route.url} with a wrong key`);
      if (route.access === 'act' || route.access === 'manage') {
        const auditor = await call(concrete(route.url, id), { method: route.method, key: h.people.auditor.key, ...body });
        expect(auditor.status, `${route.method} ${route.url} as an auditor`).toBe(403);
      }
      if (route.access === 'audit') {
        const coordinator = await call(concrete(route.url, id), { method: route.method, key: h.people.coordinator.key, ...body });
        expect(coordinator.status, `${route.method} ${route.url} as a coordinator`).toBe(403);
      }
      if (route.access === 'manage') {
        const coordinator = await call(concrete(route.url, id), { method: route.method, key: h.people.coordinator.key, ...body });
        expect(coordinator.status, `${route.method} ${route.url} as a coordinator`).toBe(403);
      }
    }
  });

  it("refuses a coordinator another office's application on every application route, and lists only their office's", async () => {
    const id = await api.startOk(makeInput({ units: 1 }));
    const routes = h.app.routeTable.filter((r) => r.url.startsWith('/api/applications/:id'));
    expect(routes.length).toBeGreaterThan(10);
    const asOther = (appId: string, route: (typeof routes)[number]) =>
      call(concrete(route.url, appId), { method: route.method, key: h.people.otherCoordinator.key, ...(route.method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(validBodyFor(route.url)) } : {}) });
    let notFound = 0;
    for (const route of routes) {
      // Not there, to them: the same answer as for an id nobody used, so ids cannot be probed
      // (404; 403 where a coordinator may not use the route at all, evidence for one).
      const theirs = await asOther(id, route);
      const nobodys = await asOther('app-00000000000000000000000000000000', route);
      expect(theirs.status, `${route.method} ${route.url} from another office`).toBe(nobodys.status);
      expect([403, 404], `${route.method} ${route.url} from another office`).toContain(theirs.status);
      if (theirs.status === 404) notFound++;
    }
    expect(notFound).toBeGreaterThan(10);
    const mine = await api.getJson('/api/applications');
    expect(mine.body.applications.map((a: { id: string }) => a.id)).toContain(id);
    const theirs = await api.as('otherCoordinator').getJson('/api/applications');
    expect(theirs.body.applications.map((a: { id: string }) => a.id)).not.toContain(id);
    const auditor = await api.as('auditor').getJson(`/api/applications/${id}`);
    expect(auditor.status).toBe(200);
  });

  it('documents every API route in the OpenAPI document', async () => {
    const doc = (await (await call('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)));
    const apiRoutes = h.app.routeTable.filter((r) => r.url.startsWith('/api/') && !['/api/openapi.json', '/api/reference'].includes(r.url) && !r.url.startsWith('/api/auth/'));
    for (const route of apiRoutes) expect(documented, `${route.method} ${route.url}`).toContain(`${route.method} ${route.url}`);
    const reference = await call('/api/reference');
    expect(reference.status).toBe(200);
    expect(await reference.text()).toContain('POST /api/applications/{id}/withdraw');
  });

  it('audits each coordinator action with the person, how they signed in and the request id', async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[0]!.approver.email);
    const requestId = `withdraw-${randomUUID()}`;
    const coordinator = h.people.coordinator;
    const removed = await call(`/api/applications/${id}/units/unit-2/remove`, { method: 'POST', key: coordinator.key, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'The school left' }) });
    expect(removed.status).toBe(200);
    const withdrawn = await call(`/api/applications/${id}/withdraw`, { method: 'POST', key: coordinator.key, headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: JSON.stringify({ reason: 'No longer needed' }) });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.headers.get('x-request-id')).toBe(requestId);
    const audit = await h.db.auditEvent.findMany({ where: { applicationId: id, type: { in: ['application.started', 'unit.removed', 'application.withdrawn'] } }, select: { type: true, actor: true, actorName: true, authMethod: true, requestId: true } });
    expect(audit).toHaveLength(3);
    for (const event of audit) expect(event).toMatchObject({ actor: `user:${coordinator.id}`, actorName: coordinator.name, authMethod: 'api-key' });
    expect(audit.find((e) => e.type === 'application.withdrawn')!.requestId).toBe(requestId);
  });

  it("audits an auditor's read of the history, and refuses the auditor any change", async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[0]!.approver.email);
    const history = await api.as('auditor').getJson(`/api/applications/${id}/history`);
    expect(history.status).toBe(200);
    const reads = await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'history.read' }, select: { actor: true, authMethod: true } });
    expect(reads).toEqual([{ actor: `user:${h.people.auditor.id}`, authMethod: 'api-key' }]);
    const withdraw = await api.as('auditor').postJson(`/api/applications/${id}/withdraw`, { reason: 'Not mine to withdraw' });
    expect(withdraw.status).toBe(403);
    expect(withdraw.body.error.code).toBe('FORBIDDEN');
  });
});

describe('the access log', () => {
  it('records who put a person in k2flow and who issued and revoked which key; admins and auditors read it', async () => {
    const admin = h.people.admin;
    const requestId = `people-${randomUUID()}`;
    const json = { 'content-type': 'application/json' };
    const created = await call('/api/users', { method: 'POST', key: admin.key, headers: { ...json, 'x-request-id': requestId }, body: JSON.stringify({ email: `newcomer-${randomUUID().slice(0, 8)}@k2flow.test`, name: 'Newcomer', role: 'coordinator', office: 'k2' }) });
    expect(created.status).toBe(201);
    const { user } = (await created.json()) as { user: { id: string } };
    const issued = await call('/api/keys', { method: 'POST', key: admin.key, headers: json, body: JSON.stringify({ name: 'for the newcomer', userId: user.id }) });
    const { key } = (await issued.json()) as { key: { id: string } };
    expect((await call(`/api/keys/${key.id}/revoke`, { method: 'POST', key: admin.key, headers: json, body: '{}' })).status).toBe(200);

    const log = await call('/api/access-log?limit=50', { key: h.people.auditor.key });
    expect(log.status).toBe(200);
    const events = ((await log.json()) as { events: Array<{ type: string; subject: string; actor: string; actorName: string; authMethod: string; requestId: string | null }> }).events.filter(
      (e) => e.subject === `user:${user.id}` || e.subject === `key:${key.id}`,
    );
    expect(events.map((e) => e.type).sort()).toEqual(['key.issued', 'key.revoked', 'person.created']);
    for (const e of events) expect(e).toMatchObject({ actor: `user:${admin.id}`, actorName: admin.name, authMethod: 'api-key' });
    expect(events.find((e) => e.type === 'person.created')!.requestId).toBe(requestId);
    expect((await call('/api/access-log', { key: h.people.coordinator.key })).status).toBe(403);
  });
});

describe('sessions, keys and CSRF', () => {
  it('signs in with an HttpOnly SameSite cookie whose token is stored only as a hash', async () => {
    const { res, cookie } = await signIn(h.people.coordinator.email);
    expect(res.status).toBe(200);
    const answer = (await res.clone().text());
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const token = decodeURIComponent(cookie.split('=')[1]!).split('.')[0]!;
    expect(answer).not.toContain(token);
    const sessions = await h.db.session.findMany({ where: { userId: h.people.coordinator.id }, select: { token: true } });
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.map((s) => s.token)).not.toContain(token);
    expect(sessions.map((s) => s.token)).toContain(hashSessionToken(token));
    const me = await call('/api/session', { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as any).user.email).toBe(h.people.coordinator.email);
  });

  it('marks the session and CSRF cookies Secure (with the __Secure- prefix) when k2flow is served over https', async () => {
    // As behind an office's TLS-terminating proxy: PUBLIC_URL is https, the proxy talks plain HTTP to k2flow.
    const port = await freePort();
    const { people, ...signIn } = testSignIn(h.db, 'https://k2flow.office.example');
    const server = await createHttpServer({ ...signIn, db: h.db, temporal: h.temporal, taskQueue: h.taskQueue });
    await server.listen({ port, host: '127.0.0.1' });
    try {
      const person = await personWithKey(people, 'coordinator', 'k2', 'secure-cookie');
      const res = await fetch(`http://127.0.0.1:${port}/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: person.email, password: PASSWORD }) });
      expect(res.status).toBe(200);
      const session = res.headers.getSetCookie().find((c) => c.startsWith(`__Secure-${SESSION_COOKIE}=`));
      expect(session, res.headers.getSetCookie().join('\n')).toBeDefined();
      expect(session).toMatch(/;\s*Secure/i);
      expect(session).toMatch(/HttpOnly/i);
      const me = await fetch(`http://127.0.0.1:${port}/api/session`, { headers: { cookie: session!.split(';')[0]! } });
      expect(me.status).toBe(200);
      const csrfCookies = me.headers.getSetCookie();
      expect(csrfCookies.length).toBeGreaterThan(0);
      for (const c of csrfCookies) expect(c).toMatch(/;\s*Secure/i);
    } finally {
      await server.close();
    }
  });

  it('signs a person in through the sign-in page, whose form must carry its CSRF token', async () => {
    const browser = cookieBrowser();
    const signInPage = await browser.follow(`${h.baseUrl}/sign-in`);
    const html = await signInPage.response.text();
    const wrong = await browser.submit(signInPage.url, html, /^\/sign-in$/, { email: h.people.admin.email, password: 'not the password' });
    expect(wrong.response.status).toBe(401);
    expect(await wrong.response.text()).toContain('Adres e-mail lub hasło są nieprawidłowe.'); // the page speaks Polish by default
    const landed = await browser.submit(signInPage.url, html, /^\/sign-in$/, { email: h.people.admin.email, password: PASSWORD });
    expect(landed.url.pathname).toBe('/');
    expect((await browser.send(`${h.baseUrl}/api/session`)).status).toBe(200);
    // The same form posted from elsewhere (no token, or a token without this browser's secret cookie) is refused.
    const forged = await fetch(`${h.baseUrl}/sign-in`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: h.people.admin.email, password: PASSWORD, _csrf: /name="_csrf" value="([^"]+)"/.exec(html)![1]! }), redirect: 'manual' });
    expect(forged.status).toBe(403);
    expect(forged.headers.getSetCookie().some((c) => c.includes('session_token'))).toBe(false);
  });

  it('refuses a wrong password with 401 and a sentence, and limits attempts per account with 429 and Retry-After', async () => {
    const email = h.people.auditor.email;
    const first = await signIn(email, 'wrong password');
    expect(first.res.status).toBe(401);
    expect(((await first.res.json()) as any).error.message).toBe('The email or password is not right.');
    expect(first.res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
    let last = first.res;
    for (let i = 0; i < 12 && last.status !== 429; i++) last = (await signIn(email, 'wrong password')).res;
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await last.json()) as any).error.code).toBe('RATE_LIMITED');
    // Another account from the same address is not locked out by it.
    expect((await signIn(h.people.admin.email)).res.status).toBe(200);
  });

  it('refuses a state-changing request made with the session cookie but without its CSRF token', async () => {
    const id = await api.startOk(makeInput({ units: 1 }));
    const { cookie } = await signIn(h.people.coordinator.email);
    const withdraw = (headers: Record<string, string>) =>
      call(`/api/applications/${id}/withdraw`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, ...headers }, body: JSON.stringify({ reason: 'Testing CSRF' }) });
    const refused = await withdraw({});
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.message).toMatch(/did not come from k2flow/);
    expect((await withdraw({ 'x-csrf-token': 'forged' })).status).toBe(403);
    // The token pairs with the secret cookie the same answer sets, as a browser would keep it.
    const session = await call('/api/session', { headers: { cookie } });
    const { csrfToken } = (await session.json()) as { csrfToken: string };
    const csrfCookie = session.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect((await withdraw({ 'x-csrf-token': csrfToken, cookie: `${cookie}; ${csrfCookie}` })).status).toBe(200);
  });

  it('shows an issued key once, stores only its hash, records its last use and revokes it at once', async () => {
    const issued = await call('/api/keys', { method: 'POST', key: h.people.coordinator.key, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'integration' }) });
    expect(issued.status).toBe(201);
    const { key } = (await issued.json()) as { key: { id: string; key: string } };
    const stored = await h.db.apikey.findUniqueOrThrow({ where: { id: key.id }, select: { key: true } });
    expect(stored.key).not.toContain(key.key);
    expect(stored.key).toBe(createHash('sha256').update(key.key).digest('base64url'));
    expect((await call('/api/applications', { key: key.key })).status).toBe(200);
    const listed = (await (await call('/api/keys', { key: key.key })).json()) as { keys: Array<{ id: string; lastUsedAt: string | null; key?: string }> };
    const row = listed.keys.find((k) => k.id === key.id)!;
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.key).toBeUndefined();
    const revoked = await call(`/api/keys/${key.id}/revoke`, { method: 'POST', key: key.key, headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(revoked.status).toBe(200);
    expect((await call('/api/applications', { key: key.key })).status).toBe(401);
  });
});

describe('hostile input', () => {
  it('answers malformed paths, NUL bytes, control characters and huge headers with 4xx, and stays up', async () => {
    const key = h.people.admin.key;
    for (const path of ['/approvals/%E0%A4%A', '/api/applications/%E0%A4%A', '/api/applications/%E0%A4%A/history', '/%', '/approvals/%00', '/api/%ZZ']) {
      const res = await call(path, { key });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
    for (const path of ['/api/applications/abc%00def', '/api/applications/abc%00def/history', '/api/applications/abc%00def/messages', '/api/applications/a%0Db']) {
      const res = await call(path, { key });
      expect(res.status, path).toBe(400);
    }
    const statuses = await Promise.all([
      raw('GET /api/applications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u0001\u0002\r\n\r\n'),
      raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`),
      raw('GET /api/applications HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n'),
      raw('POST /api/applications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a'),
      raw('GARBAGE\r\n\r\n'),
    ]);
    for (const status of statuses) expect(status === '' || /^HTTP\/1\.1 4\d\d/.test(status), status).toBe(true);
    const tooLarge = await call('/api/applications', { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'x'.repeat(2_000_000) }) });
    expect(tooLarge.status).toBe(413);
    expect((await call('/healthz')).status).toBe(200);
    expect(h.logEntries().some((e) => e.statusCode === 500 || e.msg === 'request failed')).toBe(false);
  });

  it('sends security headers and a request id on every answer, errors included', async () => {
    for (const [path, status] of [['/healthz', 200], ['/api/applications', 401], ['/approvals/nope', 404], ['/no-such-page', 404]] as const) {
      const res = await call(path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('x-request-id'), path).toBeTruthy();
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'none'");
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
    const body = (await (await call('/api/applications')).json()) as { error: { code: string; requestId: string } };
    expect(body.error).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(body.error.requestId).toBeTruthy();
  });
});

// Last in the file: it spends this address's budget of approval-link requests on the shared server.
describe('rate limits', () => {
  it('answers a scanner of approval links with 429 and Retry-After; a person opening a link a few times never sees it', async () => {
    const guess = () => call(`/approvals/${randomUUID()}`);
    for (let i = 0; i < 5; i++) expect((await guess()).status).toBe(404);
    let last = await guess();
    for (let i = 0; i < 200 && last.status !== 429; i++) last = await guess();
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last.headers.get('content-type')).toContain('text/html');
  });
});

function validBodyFor(url: string): unknown {
  if (url.endsWith('/withdraw') || url.endsWith('/remove')) return { reason: 'Another office tries' };
  if (url.endsWith('/extend-deadline')) return { deadline: new Date(Date.now() + 86_400_000).toISOString() };
  return {};
}
