// How long a standalone worker takes to come up: from spawning `node --import tsx worker/main.ts`
// to the SDK's "Worker state changed ... RUNNING" line, a few runs in a row against an in-memory
// Temporal dev server. The time a crashed worker's replacement needs before it polls again.
//
//   node --import tsx dev/measure-worker-start.ts [--runs 3] [--checkout DIR]...
//
// --checkout (repeatable; default this one) runs that checkout's worker/main.ts, e.g. a `git
// worktree` of an older commit with node_modules and generated/ linked in. With several, the runs
// take turns, so a machine busy with other work weighs on each alike. DATABASE_URL defaults to
// the local PostgreSQL the tests use; no email is sent.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from './free-port';
import { resolveTemporalCli } from './temporal-cli';
import { startTemporalDevServer } from './temporal-dev-server';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, checkout: { type: 'string', multiple: true, default: [path.resolve(import.meta.dirname, '..')] } } });
const runs = Number(values.runs);
const checkouts = values.checkout.map((dir) => path.resolve(dir));

/** Milliseconds from spawn to RUNNING; the worker is then stopped and awaited. */
function timeOneStart(checkout: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], { cwd: checkout, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let running: number | null = null;
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (running === null && /state: 'RUNNING'/.test(output)) {
        running = performance.now() - started;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.once('exit', (code) => (running === null ? reject(new Error(`the worker exited (${code}) before RUNNING:\n${output}`)) : resolve(running)));
  });
}

const cliPath = await resolveTemporalCli();
const server = await startTemporalDevServer({ cliPath, port: await freePort() });
try {
  const env = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: `measure-${process.pid}`,
    DATABASE_URL: process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres',
    SMTP_URL: 'smtp://127.0.0.1:9',
    // A standalone worker refuses to start without the secret that seals the outbox.
    K2FLOW_AUTH_SECRET: randomBytes(32).toString('hex'),
  };
  const times = new Map(checkouts.map((dir) => [dir, [] as number[]]));
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  for (let i = 0; i < runs; i++) {
    for (const dir of checkouts) {
      const ms = await timeOneStart(dir, env);
      times.get(dir)!.push(ms);
      console.log(`run ${i + 1}, ${dir}: ${seconds(ms)} to RUNNING`);
    }
  }
  for (const [dir, ms] of times) {
    const sorted = [...ms].sort((a, b) => a - b);
    console.log(`${dir}: median ${seconds(sorted[Math.floor(sorted.length / 2)]!)} (${sorted.map(seconds).join(', ')})`);
  }
} finally {
  await server.stop();
}
