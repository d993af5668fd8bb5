/**
 * The database is down, unreachable or refusing sessions: the caller may retry, nothing is wrong
 * with their request. Each shape below was seen with Prisma 7 over @prisma/adapter-pg while a
 * real PostgreSQL was stopped (test/integration/outages.test.ts):
 * - connection refused: Prisma P1001 (or P2010 from a raw query) with the adapter's
 *   `DatabaseNotReachable` in `meta.driverAdapterError`;
 * - an operator's stop mid-query: P2039 / P2010 whose adapter error carries SQLSTATE 57P01;
 * - a crash or cut connection mid-query: node-postgres's own "Connection terminated unexpectedly";
 * - no connection within the pool's timeout (db/prisma-client.ts): "timeout exceeded when trying
 *   to connect", or "Connection terminated due to connection timeout" from a server that never answers.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length && seen.size < 20) {
    const e = pending.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const { code, originalCode, kind, message, cause, meta } = e as Record<string, unknown>;
    if ([code, originalCode].some((c) => typeof c === 'string' && (unreachableCodes.has(c) || c.startsWith('08')))) return true;
    if (typeof kind === 'string' && unreachableKinds.has(kind)) return true;
    if (typeof message === 'string' && unreachableMessages.test(message)) return true;
    pending.push(cause, (meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError);
  }
  return false;
}

// Socket errors; SQLSTATE 57P01-57P03 (shutting down, crash shutdown, cannot connect now) and 53300
// (too many connections; class 08, connection exceptions, is matched by prefix); 55P03 and 57014,
// a lock or a statement past the server's bounds (DbOptions.answerWithin); Prisma's P1001
// (cannot reach), P1002 (timed out), P1017 (server closed the connection), P2024 (pool timeout).
const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '53300', '55P03', '57014', 'P1001', 'P1002', 'P1017', 'P2024']);
// The adapter's names for the same (DriverAdapterError.cause.kind).
const unreachableKinds = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// node-postgres's errors that carry no code.
const unreachableMessages = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Can't reach database server/i;
