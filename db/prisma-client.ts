import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../generated/prisma/client';

export type Db = PrismaClient;

export interface DbOptions {
  /** Pool size; the embedded PGlite server multiplexes a single session, so it gets 1. */
  maxConnections?: number;
  /**
   * For processes that answer people (the HTTP server): how long any statement waits for a lock
   * (a migration's ALTER TABLE, an operator's LOCK TABLE) and runs at all, before PostgreSQL
   * cancels it and the request is answered 503. Unset (the worker): as long as it takes.
   */
  answerWithin?: { lockTimeoutMs: number; statementTimeoutMs: number };
}

/** The HTTP server's bounds (DbOptions.answerWithin): an approver waits seconds, not for as long as a lock is held. */
export const SERVER_DB_BOUNDS = { lockTimeoutMs: 4_000, statementTimeoutMs: 30_000 };

/**
 * How long a query waits for a connection (a new one to the server, or a free one from a busy
 * pool) before it fails. node-postgres waits forever by default, so a database that does not
 * answer would hold every request; this bound makes an outage a prompt 503 (see
 * db/unavailable.ts).
 */
export const DB_CONNECT_TIMEOUT_MS = 3_000;

/**
 * Connections per process. A worker runs up to WORKER_CONCURRENT_ACTIVITIES activities
 * (worker/create-worker.ts) plus its outbox relay; ten connections made them queue for one, and
 * hold transactions open meanwhile.
 */
export const DEFAULT_POOL_SIZE = 25;

/**
 * Inside a transaction: wait at most `ms` for a lock (a row another transaction holds, an advisory
 * lock), then fail, instead of holding a pooled connection for as long as the holder does.
 */
export async function setLockTimeout(tx: Prisma.TransactionClient, ms: number): Promise<void> {
  await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(ms))}`);
}

/** A moment as raw SQL's value for a `timestamp(3)` column: in UTC, as Prisma writes a DateTime. */
export const sqlTimestamp = (t: Date): Prisma.Sql => Prisma.sql`(${t.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/** Builds a Prisma client over node-postgres. Callers own it and must `$disconnect()`. */
export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.maxConnections ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS,
    // Notices a server that vanished without closing its connections (a dead host, a cut network).
    keepAlive: true,
    // Sent at connect, so they bound every statement without one more round trip.
    ...(options.answerWithin ? { lock_timeout: options.answerWithin.lockTimeoutMs, statement_timeout: options.answerWithin.statementTimeoutMs } : {}),
  });
  return new PrismaClient({ adapter });
}
