import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Db = PrismaClient;

export interface DbOptions {
  /** Pool size; the embedded PGlite server multiplexes a single session, so it gets 1. */
  maxConnections?: number;
}

/**
 * How long a query waits for a connection (a new one to the server, or a free one from a busy
 * pool) before it fails. node-postgres waits forever by default, so a database that does not
 * answer would hold every request; this bound makes an outage a prompt 503 (see
 * db/unavailable.ts).
 */
export const DB_CONNECT_TIMEOUT_MS = 3_000;

/** Builds a Prisma client over node-postgres. Callers own it and must `$disconnect()`. */
export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS,
    // Notices a server that vanished without closing its connections (a dead host, a cut network).
    keepAlive: true,
  });
  return new PrismaClient({ adapter });
}
