import type { Prisma } from '../generated/prisma/client';
import type { Db } from '../db/prisma-client';
import type { Actor } from '../domain/actor';
import { hashRecord } from '../domain/audit-chain';

export interface AuditInput {
  /** Names the logical event, so a retried activity writes it once. */
  idempotencyKey: string;
  applicationId: string;
  type: string;
  actor: string;
  actorName?: string | null;
  authMethod?: string | null;
  requestId?: string | null;
  data: Prisma.InputJsonValue;
  occurredAt: Date;
}

/**
 * For a worker's transaction that must not fail (and be done again) for a busy pool or a busy chain:
 * a chain's lock is held for milliseconds, but under load many writers queue for it.
 */
export const PATIENT = { maxWait: 10_000, timeout: 20_000 } as const;

/**
 * Appends audit events to their applications' hash chains (domain/audit-chain.ts); ones already
 * written under the same key are skipped, not duplicated. Given a transaction, the records commit
 * with it; given the client, in one of their own. Appends to one application's chain are
 * serialised by a transaction-scoped advisory lock, taken here, as late in the caller's
 * transaction as it can be, so it is held briefly.
 */
export async function appendAudit(db: Db | Prisma.TransactionClient, events: AuditInput[]): Promise<void> {
  if (!events.length) return;
  // A transaction client has $transaction too (Prisma's proxy), but no $connect.
  if (typeof (db as Partial<Db>).$connect === 'function') {
    await (db as Db).$transaction((tx) => appendChained(tx, events), PATIENT);
    return;
  }
  await appendChained(db, events);
}

/**
 * Writes records outside the chain (no place, no hashes) and without its lock, for writes a person
 * waits on that must not queue behind the application's other writers: the application's next
 * append chains them, in the order they happened, as it does records from before the chain (and
 * an export or a check chains first). A record already written under the same key is skipped.
 */
export async function appendUnchained(db: Db | Prisma.TransactionClient, events: AuditInput[]): Promise<void> {
  if (events.length) await db.auditEvent.createMany({ data: events, skipDuplicates: true });
}

/**
 * A transaction's client, the audit records its writes produced (appended together as it ends),
 * and whether it put an email in the outbox (the outbox relay is woken once it commits).
 */
export interface Recorded {
  tx: Prisma.TransactionClient;
  audit: AuditInput[];
  emailQueued: boolean;
}

/**
 * Runs `work` in one transaction and appends the audit records it gathered (in `audit`) last, in
 * one append: the application's chain lock is then taken once, and held only until the commit.
 * After the commit, wakes this process's outbox relay if the work queued an email (queueEmailIn).
 */
export async function inTransaction<T>(
  { db, wakeOutbox }: { db: Db; wakeOutbox?: () => void },
  work: (r: Recorded) => Promise<T>,
  options?: { maxWait?: number; timeout?: number },
): Promise<T> {
  let queued = false;
  const result = await db.$transaction(async (tx) => {
    const r: Recorded = { tx, audit: [], emailQueued: false };
    const done = await work(r);
    await appendAudit(tx, r.audit);
    queued = r.emailQueued;
    return done;
  }, options);
  if (queued) wakeOutbox?.();
  return result;
}

/**
 * Takes an application's chain until the transaction ends (appends to it happen one after another)
 * and reads its head, whether records wait to be chained, and which of `keys` are written, in one
 * round trip (the SQL function of the migration 20261203020000_audit_chain_lock).
 */
async function lockChain(tx: Prisma.TransactionClient, applicationId: string, keys: string[] = []) {
  const [found] = await tx.$queryRaw<Array<{ headSeq: number | null; headHash: string | null; unsealed: boolean; existing: string[] }>>`
    SELECT * FROM "k2flow_lock_audit_chain"(${applicationId}, ${keys}::text[])`;
  return { head: { seq: found?.headSeq ?? 0, hash: found?.headHash ?? null }, unsealed: found?.unsealed ?? false, existing: new Set(found?.existing ?? []) };
}

async function appendChained(tx: Prisma.TransactionClient, events: AuditInput[]): Promise<void> {
  const byApplication = new Map<string, AuditInput[]>();
  for (const e of events) byApplication.set(e.applicationId, [...(byApplication.get(e.applicationId) ?? []), e]);
  // In a fixed order, so two transactions appending to the same applications cannot deadlock.
  for (const applicationId of [...byApplication.keys()].sort()) {
    const batch = byApplication.get(applicationId)!;
    const chain = await lockChain(tx, applicationId, batch.map((e) => e.idempotencyKey));
    let head = chain.unsealed ? await sealUnchained(tx, applicationId, chain.head) : chain.head;
    const { existing } = chain;
    const fresh = batch.filter((e, i) => !existing.has(e.idempotencyKey) && batch.findIndex((o) => o.idempotencyKey === e.idempotencyKey) === i);
    const rows = fresh.map((e) => {
      const seq = head.seq + 1;
      const hash = hashRecord(head.hash, { ...e, seq, occurredAt: e.occurredAt.toISOString() });
      const row = { ...e, seq, prevHash: head.hash, hash };
      head = { seq, hash };
      return row;
    });
    if (rows.length) await tx.auditEvent.createMany({ data: rows });
  }
}

/** Chains whatever an application's trail holds unchained (see sealUnchained), under its chain lock; before an export or a check. */
export async function sealTrail(db: Db, applicationId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const chain = await lockChain(tx, applicationId);
    if (chain.unsealed) await sealUnchained(tx, applicationId, chain.head);
  });
}

/**
 * Chains an application's records written before the chain existed, in the order they happened,
 * after its chain's head; returns the new head. Run under the application's chain lock.
 */
async function sealUnchained(tx: Prisma.TransactionClient, applicationId: string, head: { seq: number; hash: string | null }) {
  const loose = await tx.auditEvent.findMany({ where: { applicationId, seq: null }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });
  const placed = loose.map((r) => {
    const seq = head.seq + 1;
    const hash = hashRecord(head.hash, { ...r, seq, occurredAt: r.occurredAt.toISOString() });
    const row = { id: r.id, seq, prevHash: head.hash, hash };
    head = { seq, hash };
    return row;
  });
  // All in one statement: there are usually one to three (a link's opening, a decision, from the server).
  if (placed.length) {
    await tx.$executeRaw`
      UPDATE "AuditEvent" AS a SET "seq" = v."seq", "prevHash" = v."prevHash", "hash" = v."hash"
      FROM (SELECT unnest(${placed.map((p) => p.id)}::text[]) AS "id", unnest(${placed.map((p) => p.seq)}::int[]) AS "seq",
                   unnest(${placed.map((p) => p.prevHash)}::text[]) AS "prevHash", unnest(${placed.map((p) => p.hash)}::text[]) AS "hash") AS v
      WHERE a."id" = v."id"`;
  }
  return head;
}

/** The audit actor for the coordinator of an application (the one who can act on it). */
export const coordinatorOf = async ({ db }: { db: Db }, applicationId: string) =>
  actor.coordinator((await db.application.findUniqueOrThrow({ where: { id: applicationId }, select: { coordinatorEmail: true } })).coordinatorEmail);

type ActorFields = Pick<AuditInput, 'actor' | 'actorName' | 'authMethod' | 'requestId'>;

/**
 * The audit fields of a coordinator's action: the signed-in person who asked for it, or (for
 * actions sent before sign-in existed) the application's coordinator contact.
 */
export async function actedBy(deps: { db: Db }, applicationId: string, by: Actor | undefined): Promise<ActorFields> {
  return by ? userFields(by) : { actor: await coordinatorOf(deps, applicationId) };
}

export const userFields = (by: Actor): ActorFields => ({ actor: actor.user(by.userId), actorName: by.name, authMethod: by.via, requestId: by.requestId });

export const actor = {
  system: 'system',
  /** Someone who presented an approval link without its secret: not its party. */
  anonymous: 'anonymous',
  coordinator: (email: string) => `coordinator:${email}`,
  user: (userId: string) => `user:${userId}`,
  party: (role: string, email: string) => `${role}:${email}`,
};
