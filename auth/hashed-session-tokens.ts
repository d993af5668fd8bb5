import type { DBAdapter, DBTransactionAdapter, Where } from '@better-auth/core/db/adapter';
import type { BetterAuthOptions } from 'better-auth';
import { createHash } from 'node:crypto';

/**
 * better-auth keeps each session's token as it is in the database; a copy of that table would
 * let its reader sign in as anyone. This adapter wrapper stores only the SHA-256 of a session
 * token and hashes every token presented for lookup, so the plaintext lives only in the cookie.
 * Rows come back with the token that was presented (better-auth re-sets the cookie from it).
 */
export function withHashedSessionTokens(factory: (options: BetterAuthOptions) => DBAdapter): (options: BetterAuthOptions) => DBAdapter {
  return (options) => wrap(factory(options));
}

export const hashSessionToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

const isSession = (model: string) => model === 'session';

function hashWhere(model: string, where: Where[] | undefined): Where[] | undefined {
  if (!isSession(model) || !where) return where;
  const hash = (v: unknown) => (typeof v === 'string' ? hashSessionToken(v) : v);
  return where.map((w) => (w.field === 'token' ? { ...w, value: Array.isArray(w.value) ? w.value.map(hash) : hash(w.value) } : w)) as Where[];
}

/** The plaintext token a lookup presented, to hand back in place of the stored hash. */
function presented(model: string, where: Where[] | undefined): string | undefined {
  if (!isSession(model)) return undefined;
  const w = where?.find((c) => c.field === 'token' && (!c.operator || c.operator === 'eq'));
  return typeof w?.value === 'string' ? w.value : undefined;
}

function restore<T>(row: T, token: string | undefined): T {
  return row && token !== undefined ? { ...row, token } : row;
}

function wrap<A extends DBTransactionAdapter>(adapter: A): A {
  const wrapped: DBTransactionAdapter = {
    ...adapter,
    async create(d) {
      const token = (d.data as { token?: unknown }).token;
      if (!isSession(d.model) || typeof token !== 'string') return adapter.create(d);
      return restore(await adapter.create({ ...d, data: { ...d.data, token: hashSessionToken(token) } }), token);
    },
    findOne: async (d) => restore(await adapter.findOne({ ...d, where: hashWhere(d.model, d.where)! }), presented(d.model, d.where)),
    findMany: (d) => adapter.findMany({ ...d, where: hashWhere(d.model, d.where) }),
    count: (d) => adapter.count({ ...d, where: hashWhere(d.model, d.where) }),
    update: async (d) => restore(await adapter.update({ ...d, where: hashWhere(d.model, d.where)! }), presented(d.model, d.where)),
    updateMany: (d) => adapter.updateMany({ ...d, where: hashWhere(d.model, d.where)! }),
    delete: (d) => adapter.delete({ ...d, where: hashWhere(d.model, d.where)! }),
    deleteMany: (d) => adapter.deleteMany({ ...d, where: hashWhere(d.model, d.where)! }),
    incrementOne: async (d) => restore(await adapter.incrementOne({ ...d, where: hashWhere(d.model, d.where)! }), presented(d.model, d.where)),
    consumeOne: async (d) => restore(await adapter.consumeOne({ ...d, where: hashWhere(d.model, d.where)! }), presented(d.model, d.where)),
  };
  if ('transaction' in adapter && typeof adapter.transaction === 'function') {
    const transaction = adapter.transaction as DBAdapter['transaction'];
    (wrapped as DBAdapter).transaction = (callback) => transaction((trx) => callback(wrap(trx)));
  }
  return wrapped as A;
}
