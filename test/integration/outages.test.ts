import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { issueApprovalToken } from '../../auth/approval-token';
import { createHttpServer, type HttpApp } from '../../client/http/server';
import { connectTemporalClient, promptConnectionOptions, type TemporalClientHandle } from '../../client/services/temporal-connection';
import { migrate } from '../../db/migrate';
import { createDb, type Db } from '../../db/prisma-client';
import { isDatabaseUnavailable } from '../../db/unavailable';
import { freePort } from '../../dev/free-port';
import { resolveTemporalCli } from '../../dev/temporal-cli';
import { startTemporalDevServer, type RunningDevServer } from '../../dev/temporal-dev-server';
import { makeInput } from '../support/application-input';
import { PASSWORD, personWithKey, testSignIn } from '../support/people';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres';
import { createLogger } from '../../observability/logger';

/**
 * Outages on real parts: a PostgreSQL server and a Temporal dev server of this file's own are
 * stopped under a running HTTP server. The requirement: 503 with Retry-After within seconds (the
 * SDK's default retries took about 20 s), /healthz still 200, /readyz naming what is down,
 * approvers a page saying their decision could not be confirmed, and recovery once the part is back.
 */

/** Well under the ~20 s the Temporal SDK's default retries took; "seconds, not tens of seconds". */
const PROMPT_MS = 10_000;
const NOT_RECORDED_PL = 'Nie udało się potwierdzić Twojej decyzji';
const NOT_RECORDED_EN = 'Your decision could not be confirmed';

interface Running {
  baseUrl: string;
  server: HttpApp;
  db: Db;
  temporal: TemporalClientHandle;
  key: string;
  email: string;
  logLines: string[];
  stop(): Promise<void>;
}

/** The HTTP server as `npm run server` builds it (the same Temporal client helper), with one coordinator. */
async function runServer(databaseUrl: string, temporalAddress: string, maxConnections = 5): Promise<Running> {
  const db = createDb(databaseUrl, { maxConnections });
  const temporal = await connectTemporalClient({ address: temporalAddress });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logLines: string[] = [];
  const logger = createLogger({ name: 'k2flow-test', destination: { write: (line: string) => void logLines.push(line) } });
  const { people, ...signIn } = testSignIn(db, baseUrl, undefined, logger);
  const person = await personWithKey(people, 'coordinator', 'k2', 'outage');
  const server = await createHttpServer({ ...signIn, db, temporal: temporal.client, taskQueue: `outage-${randomUUID()}`, logger });
  await server.listen({ port, host: '127.0.0.1' });
  return {
    baseUrl,
    server,
    db,
    temporal,
    key: person.key,
    email: person.email,
    logLines,
    async stop() {
      await server.close();
      await temporal.connection.close();
      await db.$disconnect();
    },
  };
}

/** A pending approval request with a working link, written as the workflow's activities would. */
async function approvalLink(db: Db, baseUrl: string, partyLanguage: 'pl' | 'en' = 'pl'): Promise<string> {
  const input = makeInput();
  const applicationId = `outage-${randomUUID()}`;
  const deadline = new Date(Date.now() + 7 * 86_400_000);
  await db.application.create({
    data: { id: applicationId, variant: input.variant, title: input.title, status: 'running', coordinatorName: input.coordinator.name, coordinatorEmail: input.coordinator.email, input: input },
  });
  const requestId = randomUUID();
  await db.approvalRequest.create({
    data: {
      id: requestId, applicationId, step: 'unit-confirmation', round: 1, workflowId: applicationId, partyRole: 'unit-approver', partyName: 'Anna Nowak',
      partyEmail: 'anna@k2flow.test', partyLanguage, status: 'pending', deadline, ask: 'Confirm the K2 module.',
    },
  });
  const token = issueApprovalToken();
  await db.approvalToken.create({ data: { id: token.id, approvalRequestId: requestId, secretHash: token.secretHash, approverEmail: 'anna@k2flow.test', expiresAt: deadline } });
  return `${baseUrl}/approvals/${token.token}`;
}

async function timed(url: string, init?: RequestInit) {
  const started = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  return { res, text, ms: Math.round(performance.now() - started), json: () => JSON.parse(text) };
}

const decide = (link: string, headers: Record<string, string> = {}) =>
  timed(link, { method: 'POST', headers, body: new URLSearchParams({ decision: 'request-changes', comment: 'Proszę poprawić <budżet>.' }) });

const readyz = async (baseUrl: string) => {
  const { res, json } = await timed(`${baseUrl}/readyz`);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: json() };
};

/** The approver's outage page: HTML, 503, Retry-After, the pages' CSP, no script, both languages. */
function expectOutagePage(res: Response, html: string, first: 'pl' | 'en' = 'pl') {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(html).not.toMatch(/<script/i);
  const [pl, en] = [html.indexOf('<section lang="pl">'), html.indexOf('<section lang="en">')];
  expect(pl).toBeGreaterThan(0);
  expect(en).toBeGreaterThan(0);
  expect(first === 'pl' ? pl < en : en < pl).toBe(true);
  expect(html).toContain('Spróbuj ponownie za kilka minut');
  expect(html).toContain('Try again in a few minutes');
}

const log = (line: string) => console.info(`[outages] ${line}`);

describe('while PostgreSQL is down', () => {
  let pg: ThrowawayPostgres;
  let s: Running;
  let link: string;
  let cookie: string;

  beforeAll(async () => {
    pg = await startThrowawayPostgres(log);
    log(`database: ${pg.kind}`);
    await migrate(pg.url);
    s = await runServer(pg.url, inject('temporalAddress'), pg.maxConnections);
    link = await approvalLink(s.db, s.baseUrl);
    const signIn = await fetch(`${s.baseUrl}/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: s.email, password: PASSWORD }) });
    expect(signIn.status).toBe(200);
    cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  });
  afterAll(async () => {
    await s?.stop();
    await pg?.destroy();
  });

  it('answers 503 with Retry-After within seconds, keeps /healthz, names the database in /readyz, and recovers', async () => {
    const bearer = { authorization: `Bearer ${s.key}` };
    expect((await readyz(s.baseUrl)).body).toEqual({ ready: true, checks: { database: 'ok', temporal: 'ok' } });
    expect((await timed(`${s.baseUrl}/api/applications`, { headers: bearer })).res.status).toBe(200);
    expect((await timed(link)).res.status).toBe(200);

    if (pg.kind === 'postgresql') {
      // A query in flight when the operator stops the server fails as an outage, not as our fault.
      const inFlight = s.db.$queryRaw`SELECT pg_sleep(30)`.then(() => null, (error: unknown) => error);
      await vi.waitFor(async () => expect((await s.db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*)::bigint AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'`)[0]!.n).toBeGreaterThan(0n), { timeout: 60_000, interval: 100 });
      await pg.stop();
      const cut = await inFlight;
      expect(cut).not.toBeNull();
      expect(isDatabaseUnavailable(cut)).toBe(true);
    } else {
      await pg.stop();
    }

    // The API, with an API key (better-auth looks the key up) and with a session cookie.
    const withKey = await timed(`${s.baseUrl}/api/applications`, { headers: bearer });
    expect(withKey.res.status).toBe(503);
    expect(withKey.res.headers.get('retry-after')).toBe('5');
    expect(withKey.json().error).toMatchObject({ code: 'UNAVAILABLE', message: 'The database cannot be reached right now; try again shortly.' });
    expect(withKey.ms).toBeLessThan(PROMPT_MS);
    const started = await timed(`${s.baseUrl}/api/applications`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify(makeInput()) });
    expect(started.res.status).toBe(503);
    expect(started.json().error.code).toBe('UNAVAILABLE');
    const withCookie = await timed(`${s.baseUrl}/api/session`, { headers: { cookie } });
    expect(withCookie.res.status).toBe(503);
    expect(withCookie.json().error.code).toBe('UNAVAILABLE');
    const signIn = await timed(`${s.baseUrl}/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: s.email, password: PASSWORD }) });
    expect(signIn.res.status).toBe(503);
    log(`database down: API key ${withKey.ms} ms, start ${started.ms} ms, session ${withCookie.ms} ms, sign-in ${signIn.ms} ms`);
    // better-auth's own complaint is a line of the server's log (one, without a stack), not text on standard error.
    const authLines = s.logLines.filter((l) => l.includes('"component":"better-auth"')).map((l) => JSON.parse(l) as { level: number | string; msg: string; err?: unknown });
    expect(authLines.length).toBeGreaterThan(0);
    expect(authLines.every((l) => /: the database cannot be reached$/.test(l.msg) && l.err === undefined)).toBe(true);

    expect((await timed(`${s.baseUrl}/healthz`)).res.status).toBe(200);
    const notReady = await readyz(s.baseUrl);
    expect(notReady).toEqual({ status: 503, retryAfter: '5', body: { ready: false, checks: { database: 'unavailable', temporal: 'ok' } } });

    // The approver: opening the link and pressing a button.
    const opened = await timed(link);
    expectOutagePage(opened.res, opened.text);
    expect(opened.text).toContain('nie może teraz pokazać tej prośby ani zapisać decyzji');
    const pressed = await decide(link);
    expectOutagePage(pressed.res, pressed.text);
    expect(pressed.text).toContain(NOT_RECORDED_PL);
    expect(pressed.text).toContain(NOT_RECORDED_EN);
    expect(pressed.text).toContain('Proszę poprawić &lt;budżet&gt;.'); // what they wrote, to copy
    const inEnglish = await decide(link, { 'accept-language': 'en-GB,en;q=0.9,pl;q=0.5' });
    expectOutagePage(inEnglish.res, inEnglish.text, 'en');
    log(`database down: approval page ${opened.ms} ms, decision ${pressed.ms} ms`);

    // Nothing of ours went wrong, so nothing was logged as a fault.
    expect(s.logLines.filter((l) => l.includes('"msg":"request failed"'))).toEqual([]);

    await pg.start();
    await vi.waitFor(async () => expect((await readyz(s.baseUrl)).status).toBe(200), { timeout: 60_000, interval: 100 }); // back by itself
    expect((await timed(`${s.baseUrl}/api/applications`, { headers: bearer })).res.status).toBe(200);
    expect((await timed(`${s.baseUrl}/api/session`, { headers: { cookie } })).res.status).toBe(200);
    expect((await timed(link)).res.status).toBe(200);
  });
});

describe('when the database accepts connections but never answers', () => {
  it('answers the approver and /readyz within the pool’s connect timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const db = createDb(`postgresql://postgres@127.0.0.1:${port}/postgres`);
    const temporal = await connectTemporalClient({ address: inject('temporalAddress') });
    const appPort = await freePort();
    const { people: _people, ...signIn } = testSignIn(db, `http://127.0.0.1:${appPort}`);
    const server = await createHttpServer({ ...signIn, db, temporal: temporal.client, taskQueue: 'nowhere' });
    await server.listen({ port: appPort, host: '127.0.0.1' });
    try {
      const baseUrl = `http://127.0.0.1:${appPort}`;
      const link = `${baseUrl}/approvals/${issueApprovalToken().token}`;
      const [opened, notReady] = await Promise.all([timed(link), timed(`${baseUrl}/readyz`)]);
      expectOutagePage(opened.res, opened.text);
      expect(opened.ms).toBeLessThan(PROMPT_MS);
      expect(notReady.res.status).toBe(503);
      expect(notReady.json().checks).toEqual({ database: 'unavailable', temporal: 'ok' });
      expect(notReady.ms).toBeLessThan(PROMPT_MS);
      log(`silent database: approval page ${opened.ms} ms, /readyz ${notReady.ms} ms`);
    } finally {
      await server.close();
      await temporal.connection.close();
      for (const socket of sockets) socket.destroy();
      silent.close();
      await db.$disconnect();
    }
  });
});

describe('while Temporal is down', () => {
  let devServer: RunningDevServer;
  let port: number;
  let cliPath: string | null;
  let s: Running;

  beforeAll(async () => {
    [cliPath, port] = await Promise.all([resolveTemporalCli(), freePort()]);
    devServer = await startTemporalDevServer({ cliPath, port });
    s = await runServer(inject('databaseUrl'), devServer.address);
  });
  afterAll(async () => {
    await s?.stop();
    await devServer?.stop();
  });

  it('answers 503 with Retry-After within seconds, names Temporal in /readyz, shows approvers a page, and recovers', async () => {
    const bearer = { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' };
    const link = await approvalLink(s.db, s.baseUrl);
    expect((await readyz(s.baseUrl)).body).toEqual({ ready: true, checks: { database: 'ok', temporal: 'ok' } });

    await devServer.stop();

    const started = await timed(`${s.baseUrl}/api/applications`, { method: 'POST', headers: bearer, body: JSON.stringify(makeInput()) });
    expect(started.res.status).toBe(503);
    expect(started.res.headers.get('retry-after')).toBe('5');
    expect(started.json().error).toMatchObject({ code: 'UNAVAILABLE', message: 'The workflow service cannot be reached right now; try again shortly.' });
    expect(started.ms).toBeLessThan(PROMPT_MS);
    const again = await timed(`${s.baseUrl}/api/applications`, { method: 'POST', headers: bearer, body: JSON.stringify(makeInput()) });
    expect(again.res.status).toBe(503);
    expect(again.ms).toBeLessThan(PROMPT_MS);

    expect((await timed(`${s.baseUrl}/healthz`)).res.status).toBe(200);
    const notReady = await readyz(s.baseUrl);
    expect(notReady).toEqual({ status: 503, retryAfter: '5', body: { ready: false, checks: { database: 'ok', temporal: 'unavailable' } } });

    // The link still opens (it is read from the database); the decision cannot be recorded.
    expect((await timed(link)).res.status).toBe(200);
    const pressed = await decide(link);
    expectOutagePage(pressed.res, pressed.text);
    expect(pressed.text).toContain(NOT_RECORDED_PL);
    expect(pressed.ms).toBeLessThan(PROMPT_MS);
    // An English party's page, in a browser set to Polish: the outage page answers in the page's language first.
    const english = await approvalLink(s.db, s.baseUrl, 'en');
    const shown = await timed(english, { headers: { 'accept-language': 'pl' } });
    const action = /<form method="post" action="([^"]+)">/.exec(shown.text)?.[1];
    expect(action).toMatch(/\?lang=en$/);
    const pressedInEnglish = await decide(new URL(action!.replace(/&amp;/g, '&'), s.baseUrl).href, { 'accept-language': 'pl' });
    expectOutagePage(pressedInEnglish.res, pressedInEnglish.text, 'en');
    log(`Temporal down: start ${started.ms} ms then ${again.ms} ms, decision ${pressed.ms} ms`);
    expect(s.logLines.filter((l) => l.includes('"msg":"request failed"'))).toEqual([]);

    // The same address comes back (an in-memory server: a fresh one); the client reconnects by itself.
    devServer = await startTemporalDevServer({ cliPath, port });
    await vi.waitFor(async () => expect((await readyz(s.baseUrl)).status).toBe(200), { timeout: 60_000, interval: 100 }); // back by itself
    const recovered = await timed(`${s.baseUrl}/api/applications`, { method: 'POST', headers: bearer, body: JSON.stringify(makeInput()) });
    expect(recovered.res.status, recovered.text).toBe(201);
  });
});

describe('when Temporal accepts connections but never answers', () => {
  it('answers a start, a decision and /readyz within the call deadlines', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    // Lazy: connecting eagerly, as the server does at start, would fail on such a server.
    const connection = Connection.lazy(promptConnectionOptions(`127.0.0.1:${(silent.address() as { port: number }).port}`));
    const db = createDb(inject('databaseUrl'), { maxConnections: 2 });
    const appPort = await freePort();
    const baseUrl = `http://127.0.0.1:${appPort}`;
    const { people, ...signIn } = testSignIn(db, baseUrl);
    const { key } = await personWithKey(people, 'coordinator', 'k2', 'frozen');
    const server = await createHttpServer({ ...signIn, db, temporal: new Client({ connection }), taskQueue: 'nowhere' });
    await server.listen({ port: appPort, host: '127.0.0.1' });
    try {
      const link = await approvalLink(db, baseUrl);
      const [started, pressed, notReady] = await Promise.all([
        timed(`${baseUrl}/api/applications`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(makeInput()) }),
        decide(link),
        timed(`${baseUrl}/readyz`),
      ]);
      expect(started.res.status).toBe(503);
      expect(started.json().error.code).toBe('UNAVAILABLE');
      expect(started.ms).toBeLessThan(PROMPT_MS);
      expectOutagePage(pressed.res, pressed.text);
      expect(pressed.text).toContain(NOT_RECORDED_PL);
      expect(pressed.ms).toBeLessThan(PROMPT_MS);
      expect(notReady.res.status).toBe(503);
      expect(notReady.json().checks).toEqual({ database: 'ok', temporal: 'unavailable' });
      log(`silent Temporal: start ${started.ms} ms, decision ${pressed.ms} ms, /readyz ${notReady.ms} ms`);
    } finally {
      await server.close();
      await connection.close();
      for (const socket of sockets) socket.destroy();
      silent.close();
      await db.$disconnect();
    }
  });
});
