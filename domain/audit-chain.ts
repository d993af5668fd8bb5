import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The audit trail of each application is a hash chain: record n carries the SHA-256 of record
 * n-1 (`prevHash`) and its own (`hash`, over `prevHash` and its canonical content), so altering,
 * removing or reordering any record breaks every hash after it. An export states the chain's
 * head (the last hash); `k2flow verify` and the API check a trail against it.
 */
export const CHAIN_ALGORITHM = 'sha256, canonical JSON (sorted keys), per application';

/** The format of an evidence export (client/services/evidence.ts); `k2flow verify` checks this one. */
export const EVIDENCE_FORMAT = 'k2flow-evidence/1';

/** What a record's hash covers: every field a reader relies on. */
export interface ChainedContent {
  applicationId: string;
  seq: number;
  idempotencyKey: string;
  type: string;
  actor: string;
  actorName?: string | null;
  authMethod?: string | null;
  requestId?: string | null;
  data: unknown;
  /** ISO 8601, milliseconds (as the database keeps it). */
  occurredAt: string;
}

export interface ChainedRecord extends ChainedContent {
  prevHash: string | null;
  hash: string;
}

/** JSON with keys sorted at every level, after JSON's own conversions (dates to strings, undefined dropped). */
export function canonicalJson(value: unknown): string {
  const plain: unknown = JSON.parse(JSON.stringify(value ?? null));
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sort(plain));
}

export function hashRecord(prevHash: string | null, r: ChainedContent): string {
  const content = {
    applicationId: r.applicationId,
    seq: r.seq,
    idempotencyKey: r.idempotencyKey,
    type: r.type,
    actor: r.actor,
    actorName: r.actorName ?? null,
    authMethod: r.authMethod ?? null,
    requestId: r.requestId ?? null,
    data: r.data ?? null,
    occurredAt: r.occurredAt,
  };
  return createHash('sha256').update(`${prevHash ?? ''}\n${canonicalJson(content)}`).digest('hex');
}

export type ChainVerdict =
  | { intact: true; length: number; head: string | null }
  | { intact: false; length: number; head: string | null; brokenAt: number; reason: string };

/**
 * Checks a trail (in any order) against its own hashes and, given, the head it should end at:
 * the first record that does not fit says where it was altered.
 */
export function verifyChain(records: ChainedRecord[], expectedHead?: string | null): ChainVerdict {
  const sorted = [...records].sort((a, b) => a.seq - b.seq);
  const head = sorted.at(-1)?.hash ?? null;
  const broken = (brokenAt: number, reason: string): ChainVerdict => ({ intact: false, length: sorted.length, head, brokenAt, reason });
  let previous: string | null = null;
  for (const [i, r] of sorted.entries()) {
    if (r.seq !== i + 1) return broken(r.seq, `record ${i + 1} is missing (the next one found is ${r.seq})`);
    if ((r.prevHash ?? null) !== previous) return broken(r.seq, `record ${r.seq} does not follow record ${r.seq - 1} (its previous hash differs)`);
    if (hashRecord(previous, r) !== r.hash) return broken(r.seq, `record ${r.seq} (${r.type}) was altered: its content does not match its hash`);
    previous = r.hash;
  }
  if (expectedHead !== undefined && expectedHead !== head) {
    return broken(sorted.length, `the trail ends at ${head ?? 'nothing'}, not at the stated head ${expectedHead ?? 'nothing'}: records were added or removed at its end`);
  }
  return { intact: true, length: sorted.length, head };
}

const chainedRecord = z.object({
  applicationId: z.string(),
  seq: z.number().int().min(1),
  idempotencyKey: z.string(),
  type: z.string(),
  actor: z.string(),
  actorName: z.string().nullable().optional(),
  authMethod: z.string().nullable().optional(),
  requestId: z.string().nullable().optional(),
  data: z.unknown(),
  occurredAt: z.string(),
  prevHash: z.string().nullable(),
  hash: z.string(),
});

/** The part of an evidence export that `k2flow verify` reads. */
export const evidenceExport = z.object({
  format: z.literal(EVIDENCE_FORMAT, { message: `is not "${EVIDENCE_FORMAT}": this is not a k2flow evidence export, or one of another version` }),
  application: z.object({ id: z.string() }).passthrough(),
  chain: z.object({ head: z.string().nullable(), length: z.number().int().min(0) }).passthrough(),
  audit: z.array(chainedRecord),
});
