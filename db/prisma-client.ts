import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Db = PrismaClient;

export interface DbOptions {
  /** Pool size; the embedded PGlite server multiplexes a single session, so it gets 1. */
  maxConnections?: number;
}

/** Builds a Prisma client over node-postgres. Callers own it and must `$disconnect()`. */
export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.maxConnections ?? 10 });
  return new PrismaClient({ adapter });
}
