// `npm run bench [-- --quick] [-- --rounds N] [-- --concurrency N] [-- --sizes 10x2,20x10]`:
// k2flow's full path against a bare Temporal workflow doing the same starts, children and updates,
// on one Temporal dev server, in interleaved rounds. See README "Performance".
import os from 'node:os';
import { parseArgs } from 'node:util';
import { figuresOf, sizeReport, summary, type Figures } from './report';
import { bareRound, describe, k2flowRound, type RoundOptions, type RoundResult, type Size, type System } from './rounds';
import { startStack, type Stack } from './stack';

const fullSizes: Size[] = [
  { applications: 10, units: 2 },
  { applications: 50, units: 2 },
  { applications: 200, units: 2 },
  { applications: 20, units: 10 },
];
const quickSizes: Size[] = [{ applications: 10, units: 2 }];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '20' },
    sizes: { type: 'string' },
  },
});
const rounds = positive(args.rounds, '--rounds');
const concurrency = positive(args.concurrency, '--concurrency');
const sizes = args.sizes ? parseSizes(args.sizes) : args.quick ? quickSizes : fullSizes;

const log = (line: string) => console.log(`[bench] ${line}`);
const runStarted = performance.now();
const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
console.log(`k2flow benchmark: ${sizes.map(describe).join('; ')}; ${rounds} round${rounds === 1 ? '' : 's'} of each system per size, at most ${concurrency} requests in flight`);
console.log(`machine: ${os.cpus().length} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, ${os.platform()} ${os.release()}, node ${process.version}; load average ${loadAverage()} at start`);

let stack: Stack | null = null;
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack?.stop();
};
process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
process.once('SIGTERM', () => void stop().finally(() => process.exit(143)));
// The dev server and the children are ours: stop them whatever went wrong.
process.once('uncaughtException', (error) => {
  console.error(`[bench] failed: ${error.stack ?? error}`);
  void stop().finally(() => process.exit(1));
});

try {
  stack = await startStack(log);
  console.log(`Temporal CLI ${stack.temporalVersion}; PostgreSQL ${stack.postgresVersion}`);
  const options: RoundOptions = { concurrency, timeoutMs: 15 * 60_000, log };
  const run = (system: System, size: Size) => (system === 'k2flow' ? k2flowRound(stack!, size, options) : bareRound(stack!, size, options));

  // Not measured: loads both workers' workflow code, connections and JIT before the first round.
  const warmUp = { applications: 2, units: 2 };
  await run('k2flow', warmUp);
  await run('bare', warmUp);
  log(`warm-up done (${describe(warmUp)} each, not measured)`);

  const pairs: Array<{ k: Figures; b: Figures }> = [];
  for (const size of sizes) {
    // k2flow, bare, bare, k2flow, ...: each system goes first as often as last, so a drift over
    // the run (the dev server's growing in-memory store, other load) falls on both alike.
    const order: System[] = Array.from({ length: rounds }, (_, i): System[] => (i % 2 === 0 ? ['k2flow', 'bare'] : ['bare', 'k2flow'])).flat();
    const results: RoundResult[] = [];
    for (const system of order) {
      const result = await run(system, size);
      results.push(result);
      log(`${describe(size)}, ${system}: ${result.seconds.toFixed(1)} s, ${(size.applications / result.seconds).toFixed(2)} applications/s`);
    }
    const k = figuresOf(results.filter((r) => r.system === 'k2flow'));
    const b = figuresOf(results.filter((r) => r.system === 'bare'));
    pairs.push({ k, b });
    console.log(`\n${sizeReport(k, b, order)}\nload average ${loadAverage()}\n`);
  }

  console.log('Summary (k2flow: start through the API, approvals by POSTing the emailed link\'s form; bare: client start and executeUpdate):');
  console.log(summary(pairs));
  console.log(`\ntotal wall time ${formatDuration((performance.now() - runStarted) / 1000)}; load average ${loadAverage()} at the end`);
} catch (error) {
  console.error(`[bench] failed: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
} finally {
  await stop();
}
// Whatever a failed round left behind was abandoned; nothing is left to wait for.
process.exit();

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usage(`${name} takes a whole number of at least 1, not "${value}".`);
  return n;
}

function parseSizes(value: string): Size[] {
  return value.split(',').map((part) => {
    const m = /^(\d+)x(\d+)$/.exec(part.trim());
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) usage(`--sizes takes APPLICATIONSxUNITS,... (e.g. 10x2,20x10), not "${value}".`);
    return { applications: Number(m[1]), units: Number(m[2]) };
  });
}

function usage(message: string): never {
  console.error(`${message}\nusage: npm run bench [-- --quick] [--rounds N] [--concurrency N] [--sizes 10x2,20x10]`);
  process.exit(2);
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  // Whole seconds first, so 419.6 s reads "7 min 0 s", not "6 min 60 s".
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}
