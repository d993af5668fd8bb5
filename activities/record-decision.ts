import { renderEmail, type TemplateProps } from '../mail/templates';
import { decisionStatus, type RecordedDecision } from '../workflows/engine/state';
import { randomUUID } from 'node:crypto';
import { actor, inTransaction, PATIENT, type AuditInput, type Recorded } from './audit';
import { enqueueEmail, queueEmailIn, type EmailDelivery } from './enqueue-email';
import { setLockTimeout, sqlTimestamp, type Db } from '../db/prisma-client';
import type { Prisma } from '../generated/prisma/client';
import type { ActivityDeps } from './deps';

/** A decision's form data as stored on its request: the services a declaration chose. */
export const servicesOf = (formData: unknown): string[] | null => (formData as { services?: string[] } | null)?.services ?? null;

/** What the workflow knows of the party who decided: enough to audit and confirm it without reading it back. */
export interface DecidingParty {
  role: string;
  name: string;
  language: 'pl' | 'en';
  ask: string;
  applicationTitle: string;
  /** The unit's name, or the application's title for application steps. */
  concerning: string;
}

export type DecisionToRecord = RecordedDecision & {
  applicationId: string;
  unitKey: string | null;
  /**
   * The lean engine's: the party as the workflow holds it. Given, the party's receipt is queued
   * here too (the earlier engine sends it with sendDecisionReceipt).
   */
  party?: DecidingParty;
};

/** A decision with its party, as the lean engine hands every decision (transitions included). */
export type PartyDecision = DecisionToRecord & { party: DecidingParty };

/**
 * Makes an accepted decision durable (writeDecision) and, given the party, queues their receipt:
 * safe to repeat, whoever wrote the decision first.
 */
export const recordDecision =
  (deps: ActivityDeps) =>
  async (d: DecisionToRecord): Promise<void> => {
    await inTransaction(deps, (r) => recordDecisionIn(r, deps, d), PATIENT);
  };

/**
 * recordDecision's work inside the caller's transaction: the decision written unless it is there
 * already (on engines that answer first, the server has usually written it: one read says so),
 * and, given the party, their receipt queued once. The earlier engine's decisions come without
 * their party: written with their request's role, their receipt sent by its own activity.
 */
export async function recordDecisionIn(r: Recorded, deps: ActivityDeps, d: DecisionToRecord): Promise<void> {
  const p = d.party;
  if (!p) {
    const { partyRole } = await r.tx.approvalRequest.findUniqueOrThrow({ where: { id: d.requestId }, select: { partyRole: true } });
    await writeDecisionIn(r, d, partyRole);
    return;
  }
  let standing = await requestStanding(r.tx, d.requestId);
  // Not written by this call: closed (or decided) between the read and the write, so read again.
  if (standing === 'pending') standing = (await writeDecisionIn(r, d, p.role)) ? 'decided' : await requestStanding(r.tx, d.requestId);
  if (standing !== 'decided') return; // closed before the decision was written: nothing to confirm
  await queueReceiptIn(r, deps, { ...d, party: p });
}

/** Queues, in the caller's transaction, the receipt of a decision recorded on its request, once. */
export async function queueReceiptIn(r: Recorded, deps: ActivityDeps, d: PartyDecision): Promise<void> {
  const p = d.party;
  await queueEmailIn(r, deps, receiptOf(d.applicationId, d.requestId, d.partyEmail, p.language, {
    partyName: p.name, applicationTitle: p.applicationTitle, subject: p.concerning, ask: p.ask, decision: decisionStatus[d.decision], decidedAt: d.decidedAt, comment: d.comment, services: d.services, late: d.late,
  }));
}

/**
 * Writes an accepted decision on its request, with its audit record, once: true when this call
 * wrote it. The guarded update writes nothing on a retry after an earlier write committed, nor
 * when the request was closed first (a withdrawal or a removal racing the decision), where the
 * trail holds the 'approval.closed' that did happen. Used by the workflow's activities and by the
 * server, which writes what the workflow's `decide` update answered before it shows the approver.
 */
export async function writeDecision(db: Db, d: Omit<DecisionToRecord, 'party'>, role: string, { lockTimeoutMs }: { lockTimeoutMs?: number } = {}): Promise<boolean> {
  return inTransaction(
    { db },
    async (r) => {
      // A caller that must answer a person promptly gives up on a row held by someone else.
      if (lockTimeoutMs) await setLockTimeout(r.tx, lockTimeoutMs);
      return writeDecisionIn(r, d, role);
    },
    // A worker waits up to 15 s for a row another transaction holds (the server's own write of it
    // gives up within seconds), where Prisma's default of 5 s would fail its activity for a retry.
    lockTimeoutMs ? undefined : { maxWait: PATIENT.maxWait, timeout: 15_000 },
  );
}

/** writeDecision inside the caller's transaction: its audit record joins the caller's. */
async function writeDecisionIn(r: Recorded, d: Omit<DecisionToRecord, 'party'>, role: string): Promise<boolean> {
  const w = decisionWrite(d, role);
  const { count } = await r.tx.approvalRequest.updateMany({
    where: { id: d.requestId, status: 'pending' },
    data: { status: w.status, comment: d.comment, decidedAt: w.decidedAt, late: d.late, formData: w.formData, ...(w.deputy ? { decidedByName: w.deputy.name, decidedByEmail: w.deputy.email } : {}), ...(w.documents ? { documents: w.documents } : {}) },
  });
  if (count === 0) return false;
  r.audit.push(w.audit);
  return true;
}

/**
 * The server's write of a decision its workflow answered with, while the party waits for the page:
 * one statement writes the request's row and its audit record, which goes in unchained (the
 * application's next append chains it, under the chain's lock, as it does any record written
 * without it; an export or a check chains first), so no one's chain lock is waited for.
 * 'locked' when another transaction holds the row (the worker writing the same decision, a
 * withdrawal closing the request): the caller waits for it with writeDecision instead.
 */
export async function writeDecisionAtOnce(db: Db, d: Omit<DecisionToRecord, 'party'>, role: string): Promise<'written' | 'decided' | 'closed' | 'locked'> {
  const w = decisionWrite(d, role);
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  // Taken in the UPDATE's own lock mode, so a row only key-shared (a link being issued for it) is not skipped.
  const [row] = await db.$queryRaw<Array<{ present: boolean; unlocked: number; written: number; decided: boolean }>>`
    WITH target AS (
      SELECT "id", "status", "decidedAt" FROM "ApprovalRequest" WHERE "id" = ${d.requestId} FOR NO KEY UPDATE SKIP LOCKED
    ), decided AS (
      UPDATE "ApprovalRequest" r
      SET "status" = ${w.status}, "comment" = ${d.comment}, "decidedAt" = ${sqlTimestamp(w.decidedAt)}, "late" = ${d.late},
          "formData" = COALESCE(${json(w.formData)}::jsonb, r."formData"), "documents" = COALESCE(${json(w.documents)}::jsonb, r."documents"),
          "decidedByName" = COALESCE(${w.deputy?.name ?? null}, r."decidedByName"), "decidedByEmail" = COALESCE(${w.deputy?.email ?? null}, r."decidedByEmail")
      FROM target WHERE r."id" = target."id" AND target."status" = 'pending'
      RETURNING r."id"
    ), audited AS (
      INSERT INTO "AuditEvent" ("id", "idempotencyKey", "applicationId", "type", "actor", "data", "occurredAt")
      SELECT ${randomUUID()}, ${w.audit.idempotencyKey}, ${w.audit.applicationId}, ${w.audit.type}, ${w.audit.actor}, ${json(w.audit.data)}::jsonb, ${sqlTimestamp(w.audit.occurredAt)}
      FROM decided
      ON CONFLICT ("idempotencyKey") DO NOTHING
    )
    SELECT EXISTS (SELECT 1 FROM "ApprovalRequest" WHERE "id" = ${d.requestId}) AS "present", (SELECT count(*) FROM target)::int AS "unlocked", (SELECT count(*) FROM decided)::int AS "written",
           EXISTS (SELECT 1 FROM target WHERE "decidedAt" IS NOT NULL) AS "decided"`;
  if (row!.written > 0) return 'written';
  if (row!.present && row!.unlocked === 0) return 'locked';
  // As the row stood when locked (its newest version, which a writer that committed after this
  // statement began may have decided; the statement's snapshot would not show it): decided, or closed.
  return row!.decided ? 'decided' : 'closed';
}

/**
 * A step transition's decisions (applyTransition), each written in one short statement before the
 * transition's transaction: the server writing the same decision for the party waiting on its page
 * never waits for the transition's other writes (they held the row until their commit). The audit
 * record goes in unchained: the application's next append chains it before its own records (the
 * transition's, when it has any; a later one's otherwise). Returns the decisions
 * recorded on their requests, by this call or before it, whose parties get a receipt.
 */
export async function writeDecisionsFirst(db: Db, decisions: PartyDecision[]): Promise<PartyDecision[]> {
  const decided: PartyDecision[] = [];
  for (const d of decisions) {
    let standing: 'written' | 'decided' | 'closed' | 'locked' | 'pending' = await writeDecisionAtOnce(db, d, d.party.role);
    // Held by a writer of the same row (the server, a withdrawal closing it): behind it, then as it left the row.
    if (standing === 'locked') standing = (await writeDecision(db, d, d.party.role)) ? 'written' : await requestStanding(db, d.requestId);
    if (standing === 'written' || standing === 'decided') decided.push(d);
  }
  return decided;
}

/** What writing a decision sets on its request, and its audit record: one shape for every writer. */
function decisionWrite(d: Omit<DecisionToRecord, 'party'>, role: string) {
  const decidedAt = new Date(d.decidedAt);
  // Through a deputy's link: the deputy decided, on behalf of the party (whose request it stays).
  const deputy = d.via?.deputy ?? null;
  const documents = d.documents ? d.documents.map((doc) => ({ ...doc })) : undefined;
  const audit: AuditInput = {
    idempotencyKey: `decision:${d.requestId}`,
    applicationId: d.applicationId,
    type: d.late ? 'approval.decided-late' : 'approval.decided',
    actor: actor.party(role, deputy?.email ?? d.partyEmail),
    data: { requestId: d.requestId, unitKey: d.unitKey, step: d.stepId, round: d.round, decision: d.decision, comment: d.comment, services: d.services, late: d.late, ...(d.via ? { via: { ...d.via, ...(deputy ? { deputy: { ...deputy } } : {}) } } : {}), ...(deputy ? { onBehalfOf: d.partyEmail } : {}), ...(documents ? { documents } : {}) },
    occurredAt: decidedAt,
  };
  return { status: decisionStatus[d.decision], decidedAt, deputy, documents, formData: d.services ? { services: d.services } : undefined, audit };
}

/** Whether the request still waits for its decision, holds one, or was closed without one. */
async function requestStanding(db: Prisma.TransactionClient, requestId: string): Promise<'pending' | 'decided' | 'closed'> {
  const r = await db.approvalRequest.findUniqueOrThrow({ where: { id: requestId }, select: { status: true, decidedAt: true } });
  return r.status === 'pending' ? 'pending' : r.decidedAt ? 'decided' : 'closed';
}

/** Sends the party who decided a receipt of what was recorded, in their language, once. */
export const sendDecisionReceipt = (deps: ActivityDeps) => (receipt: { applicationId: string; requestId: string }) => enqueueDecisionReceipt(deps, receipt);

async function enqueueDecisionReceipt(deps: ActivityDeps, { applicationId, requestId }: { applicationId: string; requestId: string }): Promise<void> {
  const r = await deps.db.approvalRequest.findUniqueOrThrow({
    where: { id: requestId },
    select: {
      partyName: true, partyEmail: true, partyLanguage: true, ask: true, unitKey: true, status: true, comment: true, formData: true, late: true, decidedAt: true,
      application: { select: { title: true, units: { select: { unitKey: true, name: true } } } },
    },
  });
  if (!r.decidedAt) return; // nothing was recorded, so there is nothing to confirm
  await enqueueEmail(deps, receiptOf(applicationId, requestId, r.partyEmail, r.partyLanguage as 'pl' | 'en', {
    partyName: r.partyName,
    applicationTitle: r.application.title,
    subject: r.application.units.find((u) => u.unitKey === r.unitKey)?.name ?? r.application.title,
    ask: r.ask,
    decision: r.status as 'approved',
    decidedAt: r.decidedAt.toISOString(),
    comment: r.comment,
    services: servicesOf(r.formData),
    late: r.late,
  }));
}

const receiptOf = (applicationId: string, requestId: string, to: string, language: 'pl' | 'en', props: TemplateProps<'decision-recorded'>): EmailDelivery => ({
  idempotencyKey: `decision-recorded:${requestId}`,
  applicationId,
  template: 'decision-recorded',
  to,
  render: async () => renderEmail('decision-recorded', props, language),
});
