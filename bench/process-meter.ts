// Imported first by each measured child: counts the SQL statements the process sends and samples
// its memory, so the orchestrator can ask for both around a round.
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import type { ProcessSample } from './ipc';

let statements = 0;

/**
 * BENCH_STATEMENTS=<dir>: also tallies the statements by their text (the first 160 characters),
 * written to <dir>/statements-<pid>.json at each sample, to see which ones an approval costs.
 */
const tallyDir = process.env.BENCH_STATEMENTS;
const tally = new Map<string, number>();
const textOf = (arg: unknown) => String(typeof arg === 'string' ? arg : ((arg as { text?: string } | null)?.text ?? '?')).replace(/\s+/g, ' ').slice(0, 160);

// Every statement Prisma's driver adapter (and anything else on node-postgres) sends goes through
// Client#query, including BEGIN and COMMIT; Prisma's own query events miss BEGIN. This counts what
// the database server receives from this process, as pg_stat_statements would.
type Query = (this: pg.Client, ...args: unknown[]) => unknown;
const prototype = pg.Client.prototype as unknown as { query: Query };
const query = prototype.query;
prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
  statements += 1;
  if (tallyDir) {
    const text = textOf(args[0]);
    tally.set(text, (tally.get(text) ?? 0) + 1);
  }
  return query.apply(this, args);
};

// Every 100 ms: reading the RSS took about 0.2 ms here (under the profiler), 1 % of a CPU when read every 20 ms.
let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 100);
sampler.unref();

/** This process now; `resetPeak` starts a new peak from the current RSS. */
export function sampleProcess(resetPeak: boolean): ProcessSample {
  const rss = process.memoryUsage.rss();
  peakRss = Math.max(peakRss, rss);
  const { user, system } = process.cpuUsage();
  const sample = { cpuUserUs: user, cpuSystemUs: system, rssBytes: rss, peakRssBytes: peakRss, statements };
  if (resetPeak) peakRss = rss;
  if (tallyDir) writeFileSync(`${tallyDir}/statements-${process.pid}.json`, JSON.stringify(Object.fromEntries([...tally].sort((a, b) => b[1] - a[1])), null, 1));
  return sample;
}
