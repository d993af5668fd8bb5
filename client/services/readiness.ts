import type { Client } from '@temporalio/client';
import type { Db } from '../../db/prisma-client';

/** How long each dependency has to answer a readiness check. */
export const READINESS_TIMEOUT_MS = 2_000;

export type CheckResult = 'ok' | 'unavailable';
export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; temporal: CheckResult };
}

/**
 * Whether this server can do its work now: the database answers `SELECT 1` and Temporal's
 * frontend answers GetSystemInfo, each within READINESS_TIMEOUT_MS. Says only which one failed;
 * the reasons (addresses, driver messages) stay out of a public answer. Checks that overlap share
 * one round trip, so a burst of probes costs the database one query.
 */
export function createReadinessCheck({ db, temporal, timeoutMs = READINESS_TIMEOUT_MS }: { db: Db; temporal: Client; timeoutMs?: number }): () => Promise<Readiness> {
  let running: Promise<Readiness> | null = null;
  const check = async (): Promise<Readiness> => {
    const [database, workflows] = await Promise.all([
      outcome(within(timeoutMs, () => db.$queryRaw`SELECT 1`)),
      outcome(within(timeoutMs, () => temporal.connection.withDeadline(Date.now() + timeoutMs, () => temporal.connection.workflowService.getSystemInfo({})))),
    ]);
    return { ready: database === 'ok' && workflows === 'ok', checks: { database, temporal: workflows } };
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
