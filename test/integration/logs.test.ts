import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubCredentials, withoutCredentials } from '../../observability/logger';
import { unitBranchWorkflowId } from '../../workflows/ids';
import { installWorkerRuntime } from '../../worker/runtime';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { useHarness, type Harness, type LogEntry } from '../support/harness';
import { PASSWORD } from '../support/people';

// The worker's log (the Temporal SDK's lines, workflows' and activities' among them) at its most
// talkative, collected here; the runtime is the process's, installed before the harness's worker
// connects (each test file runs in a process of its own). The server's and the outbox relay's
// lines are the harness's (h.logLines).
const workerLines: string[] = [];
installWorkerRuntime({ logger: createLogger({ name: 'k2flow-worker', level: 'trace', destination: { write: (line: string) => void workerLines.push(line) } }) });

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

const entriesOf = (lines: string[]) => lines.map((line) => JSON.parse(line) as LogEntry);

describe('logs', () => {
  it('of a whole approval path are JSON lines naming the request, application, workflow and actor, with no credential in them', async () => {
    // A session from the sign-in form (a password and a session token on the wire) reads the application.
    const signIn = await fetch(new URL('/sign-in', h.baseUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: h.people.coordinator.email, password: PASSWORD }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
    const sessionValues = cookie.split('; ').map((pair) => decodeURIComponent(pair.slice(pair.indexOf('=') + 1)));

    // An API key starts it; each party decides through the link in its email.
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    expect((await fetch(new URL(`/api/applications/${id}`, h.baseUrl), { headers: { cookie } })).status).toBe(200);
    const unitLink = await api.linkFor(input.units[0]!.approver.email);
    expect((await api.open(unitLink)).status).toBe(200);
    expect((await api.decide(unitLink, 'approve')).status).toBe(200);
    const reviewLink = await api.linkFor(input.coordinator.email);
    expect((await api.decide(reviewLink, 'approve')).status).toBe(200);
    expect((await api.decide(reviewLink, 'approve')).status).toBe(409);
    expect(await h.temporal.workflow.getHandle(id).result()).toMatchObject({ status: 'approved' });
    // The receipts and the completion email are sent (and logged) by the relay.
    await expect.poll(() => h.db.outboxMessage.count({ where: { applicationId: id, status: { not: 'sent' } } }), { timeout: 20_000 }).toBe(0);

    // A request the HTTP parser refuses (headers past its limit, as a browser with a large cookie
    // sends): logged at trace as a client error, with the raw bytes the parser read left out.
    const { port } = new URL(h.baseUrl);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(`GET ${new URL(unitLink).pathname} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${h.people.coordinator.key}\r\nCookie: ${cookie}\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`),
      );
      // The server answers 431 and closes the connection.
      socket.on('data', () => {}).on('close', () => resolve()).on('error', reject);
    });
    await expect.poll(() => entriesOf(h.logLines).some((e) => e.level === 'trace' && e.msg === 'client header_overflow')).toBe(true);

    const server = entriesOf(h.logLines);
    const worker = entriesOf(workerLines);

    // Every request answered is one line with its id, route pattern, status and who acted.
    const started = server.find((e) => e.route === '/api/applications' && e.method === 'POST');
    expect(started).toMatchObject({ level: 'info', statusCode: 201, applicationId: id, workflowId: id, actor: `coordinator:${h.people.coordinator.id}`, via: 'api-key' });
    expect(started!.reqId).toMatch(/\S/);
    expect(server.find((e) => e.route === '/api/applications/:id' && e.method === 'GET')).toMatchObject({ statusCode: 200, applicationId: id, actor: `coordinator:${h.people.coordinator.id}`, via: 'password' });
    const decisions = server.filter((e) => e.route === '/approvals/:token' && e.method === 'POST' && e.applicationId === id);
    expect(decisions.map((e) => [e.statusCode, e.actor])).toEqual([
      [200, 'party:unit-approver'],
      [200, 'party:coordinator'],
      [409, 'party:coordinator'],
    ]);
    expect(new Set(decisions.map((e) => e.reqId)).size).toBe(3);
    // Both steps of variant 1 run per unit, in the unit's branch workflow (workflows/ids.ts).
    expect(decisions.map((e) => e.workflowId)).toEqual(Array(3).fill(unitBranchWorkflowId(id, 'modules', input.units[0]!.key)));
    expect(decisions.every((e) => typeof e.approvalRequestId === 'string' && typeof e.ms === 'number')).toBe(true);

    // The worker's lines name the workflow and, from it, the application.
    const ofThisApplication = worker.filter((e) => e.applicationId === id);
    expect(ofThisApplication.some((e) => e.workflowId === id && e.workflowType === 'applicationWorkflow')).toBe(true);
    expect(ofThisApplication.some((e) => typeof e.activityType === 'string')).toBe(true);

    // No credential, however it travelled: links' tokens (whole, id, secret), the API key, the
    // session cookie, the password, the server's secret, the outbox's sealing key.
    const credentials = [
      ...[unitLink, reviewLink].flatMap((link) => {
        const token = link.split('/approvals/')[1]!;
        return [token, ...token.split('.')];
      }),
      h.people.coordinator.key,
      ...sessionValues,
      PASSWORD,
      h.secret,
      h.deps.outboxKey.toString('hex'),
      h.deps.outboxKey.toString('base64'),
    ];
    const everything = [...h.logLines, ...workerLines].join('\n');
    for (const credential of credentials) expect(credential.length).toBeGreaterThan(8);
    for (const credential of credentials) expect(everything.includes(credential), `a credential (${credential.slice(0, 4)}…) is in the log`).toBe(false);
    // Nor the parser's copy of the refused request, whose bytes (numbers in JSON) would carry them all.
    expect(everything).not.toMatch(/rawPacket|"data":\[\d/);
  });

  it('scrub credentials a message carries by accident', () => {
    expect(scrubCredentials('fetch http://x/approvals/AbC_12.sEcReT-99?lang=pl failed')).toBe('fetch http://x/approvals/:token?lang=pl failed');
    expect(scrubCredentials('"authorization":"Bearer k2f_abcdef"')).toBe('"authorization":"Bearer [redacted]"');
    expect(scrubCredentials('smtp://mailer:hunter2@mail.example.pl:587 refused')).toBe('smtp://mailer:***@mail.example.pl:587 refused');
    expect(scrubCredentials('POST /approvals/:token 200')).toBe('POST /approvals/:token 200');
    expect(scrubCredentials('key k2f_AbC123-x_y sent')).toBe('key k2f_[redacted] sent');
    // On a JSON line: an escaped quote after a credential stays escaped, so the line stays JSON.
    const line = JSON.stringify({ reason: 'upstream said "Bearer abc" was refused' });
    expect(JSON.parse(scrubCredentials(line))).toEqual({ reason: 'upstream said "Bearer [redacted]" was refused' });
  });

  it('remove fields named like credentials at any depth, in any spelling, errors included', () => {
    const error = Object.assign(new Error('parse failed'), { rawPacket: Buffer.from('GET /approvals/a.b'), config: { auth: { password: 'p' }, url: 'u' } });
    expect(
      withoutCredentials({ a: { b: { c: { token: 't', Authorization: 'x', 'x-api-key': 'k', accessToken: 'a', client_secret: 's', 'set-cookie': 'c', keep: 1 } } }, err: error, at: new Date(0) }),
    ).toEqual({ a: { b: { c: { keep: 1 } } }, err: { type: 'Error', message: 'parse failed', stack: expect.any(String), config: { auth: {}, url: 'u' } }, at: new Date(0) });
  });
});
