// The benchmark's processes talk over Node's IPC channel: the orchestrator asks, a child answers.
import { fork } from 'node:child_process';
import path from 'node:path';
import { sampleProcess } from './process-meter';

/** What a measured child reports about itself (see process-meter.ts). */
export interface ProcessSample {
  /** process.cpuUsage(): user and system CPU of the whole process (all its threads), microseconds. */
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  /** The highest RSS sampled since the last reset (every 20 ms). */
  peakRssBytes: number;
  /** SQL statements sent through node-postgres by this process so far. */
  statements: number;
}

export type Request =
  | { kind: 'sample'; resetPeak: boolean }
  | { kind: 'issue-key' }
  | { kind: 'stop' };

interface Envelope {
  id: number;
  request: Request;
}

interface Answer {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** A measured child: started with fork, ready once it says so, asked for samples and stopped. */
export interface BenchChild {
  name: string;
  pid: number;
  /** What the child sent when it was ready (its port, a coordinator's key, ...). */
  ready: Record<string, unknown>;
  ask<T>(request: Request): Promise<T>;
  sample(resetPeak: boolean): Promise<ProcessSample>;
  stop(): Promise<void>;
}

/** Forks `entry` (a .ts file in bench/) under tsx and waits for its `ready` message. */
export async function startChild(name: string, entry: string, env: Record<string, string>, readyWithinMs = 120_000): Promise<BenchChild> {
  const child = fork(path.resolve(import.meta.dirname, entry), [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then((code) => {
    for (const p of pending.values()) p.reject(new Error(`${name} exited (code ${code}) before answering.`));
    pending.clear();
  });

  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not get ready within ${readyWithinMs / 1000} s.`)), readyWithinMs);
    child.on('message', (message: { ready?: Record<string, unknown> } & Partial<Answer>) => {
      if (message.ready) {
        clearTimeout(timer);
        resolve(message.ready);
        return;
      }
      const waiting = pending.get(message.id!);
      if (!waiting) return;
      pending.delete(message.id!);
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(new Error(`${name}: ${message.error}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} during start-up.`));
    });
  });

  const ask = <T>(request: Request) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, request } satisfies Envelope);
    });

  return {
    name,
    pid: child.pid!,
    ready,
    ask,
    sample: (resetPeak) => ask<ProcessSample>({ kind: 'sample', resetPeak }),
    async stop() {
      if (child.exitCode !== null) return;
      await ask({ kind: 'stop' }).catch(() => {});
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Child side: says it is ready, then answers requests with `handle` until told to stop. */
export function serveParent(ready: Record<string, unknown>, handle: (request: Request) => Promise<unknown>, stop: () => Promise<void>): void {
  if (!process.send) throw new Error('A benchmark child runs under the orchestrator (npm run bench), with an IPC channel.');
  // After the orchestrator has gone, answers have nowhere to go.
  const send = (answer: Answer) => {
    if (process.connected) process.send!(answer);
  };
  process.on('message', (message: Envelope) => {
    if (message.request.kind === 'stop') {
      void stop()
        .catch((error: Error) => console.error(`while stopping: ${error.message}`))
        .finally(() => {
          send({ id: message.id, ok: true });
          if (process.connected) process.disconnect();
        });
      return;
    }
    handle(message.request).then(
      (value) => send({ id: message.id, ok: true, value }),
      (error: Error) => send({ id: message.id, ok: false, error: error.message }),
    );
  });
  // The orchestrator died: do not linger.
  process.on('disconnect', () => setTimeout(() => process.exit(0), 2_000).unref());
  process.send({ ready });
}

/** A worker child: runs `worker`, answers samples of its process, and on stop shuts it down, then `close`s what it used. */
export function serveWorker(worker: { run(): Promise<void>; shutdown(): void }, close: () => Promise<void>): void {
  const running = worker.run();
  serveParent(
    {},
    async (request) => {
      if (request.kind === 'sample') return sampleProcess(request.resetPeak);
      throw new Error(`cannot ${request.kind}`);
    },
    async () => {
      worker.shutdown();
      await running;
      await close();
    },
  );
}
