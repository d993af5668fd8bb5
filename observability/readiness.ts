import type { Db } from '../db/prisma-client';

/** How long each dependency has to answer a readiness check. */
export const READINESS_TIMEOUT_MS = 2_000;

export type CheckResult = 'ok' | 'unavailable';
/** A question put to one dependency: resolves when it answers, rejects (or hangs) when it cannot. */
export type Probe = () => Promise<unknown>;
export interface Readiness {
  /** Whether every required part answered. */
  ready: boolean;
  checks: Record<string, CheckResult>;
}

/** The database answers a query. */
export const databaseProbe = (db: Db): Probe => () => db.$queryRaw`SELECT 1`;

/** Temporal's frontend answers GetSystemInfo (a client's or a worker's connection alike), the call bounded by its own deadline. */
export const temporalProbe =
  (connection: { workflowService: { getSystemInfo(request: object): Promise<unknown> }; withDeadline<T>(deadline: number, fn: () => Promise<T>): Promise<T> }, timeoutMs = READINESS_TIMEOUT_MS): Probe =>
  () =>
    connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));

/** How long an SMTP check's answer is reused. */
export const SMTP_CHECK_FRESH_MS = 60_000;

/**
 * The SMTP server greets, and takes the login if there is one (nodemailer's verify, on a
 * connection of its own). Asked at most once a minute, and answered from the last answer
 * meanwhile (refreshed in the background): probes every few seconds from every pod would
 * otherwise log in that often, and a wrong password could lock the account.
 */
export function smtpProbe(mailer: { verify(): Promise<unknown> }, freshForMs = SMTP_CHECK_FRESH_MS): Probe {
  let last: { at: number; ok: boolean } | null = null;
  let asking: Promise<void> | null = null;
  const ask = () =>
    (asking ??= mailer
      .verify()
      .then(
        () => void (last = { at: Date.now(), ok: true }),
        () => void (last = { at: Date.now(), ok: false }),
      )
      .finally(() => (asking = null)));
  return async () => {
    if (!last) await ask();
    else if (Date.now() - last.at > freshForMs) void ask();
    if (!last?.ok) throw new Error('the SMTP server did not answer');
  };
}

/**
 * Whether this process can do its work now: each probe must answer within `timeoutMs`. `required`
 * parts decide `ready`; the others are reported beside them (an SMTP outage delays emails, which
 * wait in the outbox, but stops no approval: taking servers out of a load balancer for it would).
 * Says only which part failed; the reasons (addresses, driver messages) stay out of a public
 * answer. Checks that overlap share one round of probes, so a burst of probes costs each part one.
 */
export function createReadinessCheck({ probes, required, timeoutMs = READINESS_TIMEOUT_MS }: { probes: Record<string, Probe>; required: string[]; timeoutMs?: number }): () => Promise<Readiness> {
  let running: Promise<Readiness> | null = null;
  const check = async (): Promise<Readiness> => {
    const names = Object.keys(probes);
    const results = await Promise.all(names.map((name) => outcome(within(timeoutMs, probes[name]!))));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
    return { ready: required.every((name) => checks[name] === 'ok'), checks };
  };
  return () => (running ??= check().finally(() => (running = null)));
}

const outcome = (work: Promise<unknown>): Promise<CheckResult> => work.then(() => 'ok' as const, () => 'unavailable' as const);

/** Fails after `ms` even when the work itself never settles (a pool waiting for a connection). */
function within<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work(), timeout]).finally(() => clearTimeout(timer));
}

/**
 * k2flow's readiness, the server's and a worker's alike: the database and Temporal required, the
 * SMTP server (when given) reported beside them.
 */
export const k2flowReadiness = ({ db, temporal, smtp }: { db: Db; temporal: Parameters<typeof temporalProbe>[0]; smtp?: { verify(): Promise<unknown> } }) =>
  createReadinessCheck({
    probes: { database: databaseProbe(db), temporal: temporalProbe(temporal), ...(smtp ? { smtp: smtpProbe(smtp) } : {}) },
    required: ['database', 'temporal'],
  });
