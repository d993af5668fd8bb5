import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/free-port';
import { makeInput } from '../support/application-input';
import { startHarness, type Harness } from '../support/harness';
import { PASSWORD } from '../support/people';

const bin = path.resolve(import.meta.dirname, '../../bin/k2flow.mjs');
let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness();
  dir = await mkdtemp(path.join(tmpdir(), 'k2flow-cli-'));
});
afterAll(() => h?.stop());

function k2flow(args: string[], url = h.baseUrl, env: Record<string, string | undefined> = { K2FLOW_API_KEY: h.people.coordinator.key }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, K2FLOW_URL: url, K2FLOW_CONFIG_DIR: dir, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

async function inputFile(content: unknown): Promise<string> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('the k2flow CLI', () => {
  it('starts an application from a file, then prints its status and history', async () => {
    const input = makeInput({ units: 1 });
    const started = await k2flow(['start', await inputFile(input)]);
    expect(started).toMatchObject({ code: 0, stderr: '' });
    const id = /Started application (\S+)/.exec(started.stdout)![1]!;
    await h.mailbox.waitFor(input.units[0]!.approver.email);

    const status = await k2flow(['status', id]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`${id}  collecting-sign-offs`);
    expect(status.stdout).toContain(`unit-1: in-progress (round 1), waiting for ${input.units[0]!.approver.email} (unit-confirmation)`);

    const history = await k2flow(['history', id]);
    expect(history.code).toBe(0);
    expect(history.stdout).toContain('application.started');
    expect(history.stdout).toContain(`Temporal history of ${id}:modules:unit-1:`);

    const json = await k2flow(['status', id, '--json']);
    expect(JSON.parse(json.stdout).id).toBe(id);
  });

  it('keeps a draft, previews who it would ask, and starts it once', async () => {
    const input = makeInput({ units: 1 });
    const { deadlines: _, ...incomplete } = input;
    const kept = await k2flow(['draft', 'save', await inputFile(incomplete)]);
    expect(kept.code).toBe(0);
    const id = /Kept draft (\S+);/.exec(kept.stdout)![1]!;
    const notYet = await k2flow(['draft', 'preview', id]);
    expect(notYet).toMatchObject({ code: 1, stdout: `Draft ${id} cannot be sent yet:\n  deadlines: is required\n` });
    expect((await k2flow(['draft', 'list'])).stdout).toContain(id);

    const complete = /Kept draft (\S+);/.exec((await k2flow(['draft', 'save', await inputFile(input)])).stdout)![1]!;
    const preview = await k2flow(['draft', 'preview', complete]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(`unit-confirmation [unit-1]: ${input.units[0]!.approver.name} <${input.units[0]!.approver.email}>`);
    expect(h.mailbox.list().some((m) => m.to.includes(input.units[0]!.approver.email))).toBe(false);
    const sent = await k2flow(['draft', 'send', complete]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(new RegExp(`^Started application app-\\S+ from draft ${complete}\n$`));
    await h.mailbox.waitFor(input.units[0]!.approver.email);
    const again = await k2flow(['draft', 'send', complete]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('was sent as application');
    expect((await k2flow(['draft', 'send'])).code).toBe(2);
  });

  it('exits 1 naming each wrong field when k2flow refuses the input', async () => {
    const result = await k2flow(['start', await inputFile({ ...makeInput(), title: '', coordinator: { name: 'C', email: 'x' } })]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('refused: The application input is invalid:');
    expect(result.stderr).toContain('  - title: must be at least 3 characters');
    expect(result.stderr).toContain('  - coordinator.email: must be an email address');
  });

  it('exits 2 with a sentence for a missing file, a file that is not JSON, or unknown usage', async () => {
    const missing = await k2flow(['start', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read .*nope\.json: ENOENT/);
    const notJson = await k2flow(['start', await inputFile('{ "variant": ')]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/is not valid JSON/);
    expect((await k2flow(['frobnicate'])).code).toBe(2);
    expect((await k2flow(['status'])).stderr).toContain('status needs an application id');
  });

  it('adds and removes units and withdraws an application, each answered with a sentence', async () => {
    const input = makeInput({ units: 1 });
    const id = /Started application (\S+)/.exec((await k2flow(['start', await inputFile(input)])).stdout)![1]!;
    await h.mailbox.waitFor(input.units[0]!.approver.email);
    const unit = { key: 'unit-2', name: 'Added', projectReference: 'RPSL.11.02.01-24-0002/16', approver: { name: 'A', email: `added-${id}@school.example.pl` } };

    expect(await k2flow(['add-unit', id, await inputFile(unit)])).toMatchObject({ code: 0, stdout: `Added the unit to ${id}.\n` });
    expect((await k2flow(['add-unit', id, await inputFile(unit)])).stderr).toContain('already has a unit "unit-2"');
    expect((await k2flow(['remove-unit', id, 'unit-2'])).code).toBe(2);
    expect((await k2flow(['remove-unit', id, 'unit-2', '--reason', 'Duplicate entry'])).code).toBe(0);
    expect((await k2flow(['resubmit', id, 'unit-1'])).stderr).toContain('only work sent back with changes requested');
    expect((await k2flow(['withdraw', id, '--reason', 'Cancelled'])).stdout).toContain(`Withdrew application ${id}`);
    expect((await k2flow(['withdraw', id, '--reason', 'Again'])).code).toBe(1);
  });

  it('extends a missed deadline and goes on without a missing party', async () => {
    // Due in 5 s: long enough for the CLI to start (a busy machine takes seconds) before it is past.
    const input = makeInput({ units: 1, confirmWithinSeconds: 5 });
    const started = await k2flow(['start', await inputFile(input)]);
    const id = /Started application (\S+)/.exec(started.stdout)?.[1];
    if (!id) throw new Error(`k2flow start did not start it: ${started.stderr}`);
    await h.mailbox.waitFor(input.coordinator.email, 1, 20_000, (m) => m.subject.startsWith('Deadline missed'));

    expect((await k2flow(['extend', id, '--unit', 'unit-1'])).code).toBe(2);
    const deadline = new Date(Date.now() + 3_000).toISOString();
    const extended = await k2flow(['extend', id, '--unit', 'unit-1', '--deadline', deadline]);
    expect(extended).toMatchObject({ code: 0, stdout: `The deadline is now ${deadline} (moved to a working day if needed); reminders start over from it.\n` });
    expect((await k2flow(['proceed', id, '--unit', 'unit-1'])).stderr).toContain('has not passed');

    // The escalation of the extended deadline (not a further one of the first, which may still have gone out meanwhile).
    await expect
      .poll(async () => (await h.db.auditEvent.findMany({ where: { applicationId: id, type: 'deadline.escalated' }, select: { data: true } })).some((e) => (e.data as { deadline: string }).deadline === deadline), { timeout: 20_000 })
      .toBe(true);
    expect((await k2flow(['proceed', id, '--unit', 'unit-1'])).stdout).toBe('Going on without the missing parties of unit unit-1.\n');
    expect(await h.temporal.workflow.getHandle(id).result()).toMatchObject({ status: 'failed', units: [{ unitKey: 'unit-1', outcome: 'expired' }] });
    const status = (await k2flow(['status', id])).stdout;
    expect(status).toMatch(/failed|unit-1: expired/);
    expect(status).toContain(`${id}  failed`);
    expect(status).toContain('- unit-1: expired (round 1)');
  });

  it('exits 1 for an unknown application and 3 when k2flow cannot be reached', async () => {
    const unknown = await k2flow(['status', 'app-unknown']);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain('No application with id app-unknown.');
    const unreachable = await k2flow(['status', 'x'], `http://127.0.0.1:${await freePort()}`);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/Cannot reach k2flow at http:\/\/127\.0\.0\.1:\d+/);
  });
  it('logs in with a password, keeps the key readable by the user alone, and logs out by revoking it', async () => {
    const asStored = { K2FLOW_API_KEY: undefined, K2FLOW_PASSWORD: PASSWORD };
    const login = await k2flow(['login', '--email', h.people.auditor.email], h.baseUrl, asStored);
    expect(login).toMatchObject({ code: 0, stderr: '' });
    const file = path.join(dir, 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(file, 'utf8')).servers[h.baseUrl].apiKey as string;
    expect(stored.startsWith('k2f_')).toBe(true);
    expect((await k2flow(['whoami'], h.baseUrl, asStored)).stdout.trim()).toBe(`${h.people.auditor.email} (auditor)`);
    expect(await k2flow(['logout'], h.baseUrl, asStored)).toMatchObject({ code: 0 });
    // The key was revoked on the server, not only forgotten here.
    expect((await k2flow(['whoami'], h.baseUrl, { K2FLOW_API_KEY: stored })).code).toBe(3);
    const none = await k2flow(['list'], h.baseUrl, asStored);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('No API key');
  });

  it('refuses a wrong password with exit 3 and a sentence', async () => {
    const result = await k2flow(['login', '--email', h.people.auditor.email], h.baseUrl, { K2FLOW_API_KEY: undefined, K2FLOW_PASSWORD: 'not the password' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('The email or password is not right.');
  });
});
