import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../dev/free-port';

// `npm start` as a person or a supervisor stops it: SIGTERM to its whole process group, which
// every process in the group gets, and the bootstrap passes its copy on as well. The stack (with
// its embedded PGlite, Temporal dev server and mailbox) must stop in order, exit 0, and start
// again on the same data folder.

const root = path.resolve(import.meta.dirname, '../..');
const folders: string[] = [];
afterAll(() => Promise.all(folders.map((f) => rm(f, { recursive: true, force: true }))));

/** The test run's environment without anything that would point the stack at external parts. */
const ownEnvironment = () =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DATABASE_URL|SMTP_URL|PUBLIC_URL|PORT|HOST|TEMPORAL_.*|K2FLOW_.*|OTEL_.*)$/.test(key)));

function startStack(env: Record<string, string | undefined>) {
  // detached: the bootstrap leads a process group of its own, as `npm start` does in a terminal.
  const child = spawn(process.execPath, ['dev/bootstrap.mjs', 'start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('npm start', () => {
  it('stops in order when its process group gets SIGTERM, exits 0, and starts again on the same data', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'k2flow-dev-stack-'));
    folders.push(dataDir);
    const port = await freePort();
    const env = {
      ...ownEnvironment(),
      K2FLOW_DATA_DIR: dataDir,
      K2FLOW_CONFIG_DIR: path.join(dataDir, 'cli'),
      K2FLOW_LOG_FORMAT: 'json',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      SMTP_PORT: String(await freePort()),
    };
    for (const round of ['first start', 'second start']) {
      const stack = startStack(env);
      try {
        await vi.waitFor(() => expect(stack.output(), round).toContain('"msg":"k2flow is running"'), { timeout: 120_000, interval: 200 });
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
        process.kill(-stack.child.pid!, 'SIGTERM');
        expect(await stack.exited, `${round}:\n${stack.output().slice(-3000)}`).toBe(0);
        expect(stack.output()).toContain('"msg":"stopped."');
      } finally {
        if (stack.child.exitCode === null) process.kill(-stack.child.pid!, 'SIGKILL');
      }
    }
  }, 300_000);
});
