import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/free-port';

// `npm start` as a person or a supervisor stops it: SIGTERM to its whole process group, which
// every process in the group gets, and the bootstrap passes its copy on as well. The stack (with
// its embedded PGlite, Temporal dev server and mailbox) must stop in order, npm must exit 0 only
// once it has, and the stack must start again on the same data folder.

const root = path.resolve(import.meta.dirname, '../..');
const folders: string[] = [];
const groups: number[] = [];
/** Whatever is left of a stack (its Temporal dev server outlives a bootstrap that died), then its data. */
const killGroup = (pid: number) => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone already
  }
};
afterAll(async () => {
  groups.forEach(killGroup);
  await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
});

/** The test run's environment without anything that would point the stack at external parts (the Temporal CLI's path stays). */
const ownEnvironment = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key === 'TEMPORAL_CLI_PATH' || !/^(DATABASE_URL|SMTP_URL|PUBLIC_URL|PORT|HOST|TEMPORAL_.*|K2FLOW_.*|OIDC_.*|OTEL_.*)$/.test(key)),
  );

function startStack(env: Record<string, string | undefined>) {
  // `npm start` itself, leading a process group of its own as it does in a terminal: npm's exit is
  // what a person or a supervisor sees.
  const child = spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groups.push(child.pid!);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let code: number | null | undefined;
  // 'close': exited, and everything it printed read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (c) => resolve((code = c))));
  return { child, exited, output: () => output, hasExited: () => code !== undefined };
}

/** Resolves once the stack says it runs; fails at once if it exits first, or when it is not running in time. */
async function runningWithin(stack: ReturnType<typeof startStack>, ms: number, round: string) {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(200)) {
    if (stack.output().includes('"msg":"k2flow is running"')) return;
    if (stack.hasExited()) throw new Error(`${round}: exited before it ran:\n${stack.output().slice(-3000)}`);
  }
  throw new Error(`${round}: not running after ${ms} ms:\n${stack.output().slice(-3000)}`);
}

/** The exit code, or a failure naming what the stack printed when it has not exited in time. */
const exitWithin = (stack: ReturnType<typeof startStack>, ms: number) =>
  Promise.race([stack.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running after ${ms} ms:\n${stack.output().slice(-3000)}`)), ms).unref())]);

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
        await runningWithin(stack, 120_000, round);
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
        process.kill(-stack.child.pid!, 'SIGTERM');
        expect(await exitWithin(stack, 60_000), `${round}:\n${stack.output().slice(-3000)}`).toBe(0);
        expect(stack.output()).toContain('"msg":"stopped."');
      } finally {
        killGroup(stack.child.pid!);
      }
    }
  }, 300_000);
});
