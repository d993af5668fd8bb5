// Turns rounds into the figures `npm run bench` prints.
import { percentile } from './measure';
import { describe, type RoundResult, type Size, type System } from './rounds';

export interface Figures {
  size: Size;
  rounds: number;
  throughput: number;
  throughputPerRound: number[];
  p50: number;
  p95: number;
  p99: number;
  /** Requests answered 503 and made again, per 100 approvals. */
  unavailablePer100: number;
  /** Approvals answered 202 (accepted, being recorded), per 100 approvals. */
  beingRecordedPer100: number;
  /** Links mailed twice for one request (a retried activity), per 100 approvals. */
  staleLinksPer100: number;
  eventsPerApproval: number;
  workflowsPerApplication: number;
  workerCpuPerApplication: number;
  workerPeakRssMb: number;
  workerRssGrowthPerApplicationKb: number;
  serverCpuPerApplication: number | null;
  statementsPerApproval: { total: number; server: number; worker: number; postgres: number | null };
}

export function figuresOf(rounds: RoundResult[]): Figures {
  const sum = (f: (r: RoundResult) => number) => rounds.reduce((total, r) => total + f(r), 0);
  const applications = sum((r) => r.size.applications);
  const approvals = sum((r) => r.approvals);
  const latencies = rounds.flatMap((r) => r.approvalMs);
  const server = rounds.every((r) => r.server) ? sum((r) => r.server!.cpuSeconds) / applications : null;
  const postgres = rounds.every((r) => r.statements.postgres !== null) ? sum((r) => r.statements.postgres!) / approvals : null;
  return {
    size: rounds[0]!.size,
    rounds: rounds.length,
    throughput: applications / sum((r) => r.seconds),
    throughputPerRound: rounds.map((r) => r.size.applications / r.seconds),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    unavailablePer100: (100 * sum((r) => r.unavailable)) / approvals,
    staleLinksPer100: (100 * sum((r) => r.staleLinks)) / approvals,
    beingRecordedPer100: (100 * sum((r) => r.beingRecorded)) / approvals,
    eventsPerApproval: sum((r) => r.historyEvents) / approvals,
    workflowsPerApplication: sum((r) => r.workflows) / applications,
    workerCpuPerApplication: sum((r) => r.worker.cpuSeconds) / applications,
    workerPeakRssMb: Math.max(...rounds.map((r) => r.worker.peakRssBytes)) / 2 ** 20,
    workerRssGrowthPerApplicationKb: Math.max(...rounds.map((r) => (r.worker.peakRssBytes - r.worker.rssStartBytes) / r.size.applications)) / 1024,
    serverCpuPerApplication: server,
    statementsPerApproval: {
      total: sum((r) => r.statements.server + r.statements.worker) / approvals,
      server: sum((r) => r.statements.server) / approvals,
      worker: sum((r) => r.statements.worker) / approvals,
      postgres,
    },
  };
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
/** Three significant digits, without exponent notation for the sizes seen here. */
const sig = (n: number) => (!Number.isFinite(n) ? '—' : n === 0 ? '0' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n >= 1 ? n.toFixed(2) : n.toPrecision(3));
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a / b) ? `${sig(a / b)}×` : '—');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ').trimEnd()).join('\n');
}

/** One size: k2flow beside the bare baseline, and their ratio. */
export function sizeReport(k: Figures, b: Figures, order: System[]): string {
  const statements = k.statementsPerApproval;
  const rows = [
    ['', 'k2flow', 'bare Temporal', 'k2flow ÷ bare'],
    ['throughput, applications/s', sig(k.throughput), sig(b.throughput), ratio(k.throughput, b.throughput)],
    ['  per round', k.throughputPerRound.map(sig).join(', '), b.throughputPerRound.map(sig).join(', '), ''],
    ['approval latency p50, ms', fixed(k.p50, 1), fixed(b.p50, 1), ratio(k.p50, b.p50)],
    ['approval latency p95, ms', fixed(k.p95, 1), fixed(b.p95, 1), ratio(k.p95, b.p95)],
    ['approval latency p99, ms', fixed(k.p99, 1), fixed(b.p99, 1), ratio(k.p99, b.p99)],
    ['requests answered 503 (made again) per 100 approvals', sig(k.unavailablePer100), '—', ''],
    ['approvals answered 202 (accepted, being written) per 100', sig(k.beingRecordedPer100), '—', ''],
    ['second links for a decided request per 100 approvals', sig(k.staleLinksPer100), '—', ''],
    ['history events per approval', sig(k.eventsPerApproval), sig(b.eventsPerApproval), ratio(k.eventsPerApproval, b.eventsPerApproval)],
    ['worker CPU s per application', sig(k.workerCpuPerApplication), sig(b.workerCpuPerApplication), ratio(k.workerCpuPerApplication, b.workerCpuPerApplication)],
    ['worker peak RSS, MB', fixed(k.workerPeakRssMb, 0), fixed(b.workerPeakRssMb, 0), ratio(k.workerPeakRssMb, b.workerPeakRssMb)],
    ['  peak over round start, KB/application', fixed(k.workerRssGrowthPerApplicationKb, 0), fixed(b.workerRssGrowthPerApplicationKb, 0), ''],
    ['HTTP server CPU s per application', sig(k.serverCpuPerApplication ?? Number.NaN), 'none', ''],
    ['database statements per approval', sig(statements.total), '0', ''],
    ['  of which server / worker', `${sig(statements.server)} / ${sig(statements.worker)}`, '', ''],
    ...(statements.postgres !== null ? [['  counted by pg_stat_statements', sig(statements.postgres), '', '']] : []),
  ];
  const approvals = k.size.applications * k.size.units * 2;
  return [
    `${describe(k.size)}: ${approvals} approvals a round; ${k.rounds} round${k.rounds === 1 ? '' : 's'} each, in the order ${order.join(', ')}`,
    table(rows),
  ].join('\n');
}

/** One line per size, for the end of the run and the README. */
export function summary(pairs: Array<{ k: Figures; b: Figures }>): string {
  const rows = [
    ['size', 'apps/s k2flow', 'bare', 'ratio', 'p50 ms k2flow', 'bare', 'p99 ms k2flow', 'bare', 'events/approval', 'bare', 'CPU s/app', 'bare', 'statements/approval'],
    ...pairs.map(({ k, b }) => [
      `${k.size.applications} × ${k.size.units}`,
      sig(k.throughput),
      sig(b.throughput),
      ratio(k.throughput, b.throughput),
      fixed(k.p50, 1),
      fixed(b.p50, 1),
      fixed(k.p99, 1),
      fixed(b.p99, 1),
      sig(k.eventsPerApproval),
      sig(b.eventsPerApproval),
      sig(k.workerCpuPerApplication),
      sig(b.workerCpuPerApplication),
      sig(k.statementsPerApproval.total),
    ]),
  ];
  return table(rows);
}
