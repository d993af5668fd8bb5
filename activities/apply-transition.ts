import type { BranchStatus } from '../workflows/engine/state';
import { inTransaction, PATIENT } from './audit';
import { closePendingIn } from './close-requests';
import type { ActivityDeps } from './deps';
import { queueEmailIn } from './enqueue-email';
import { recordBranchStatusIn } from './lifecycle';
import { changesRequestedEmail, type ChangesRequestedNotice } from './notify-changes-requested';
import { openApprovalRequestIn, type OpenApprovalRequestInput } from './open-approval-request';
import { queueReceiptIn, writeDecisionsFirst, type PartyDecision } from './record-decision';

interface CloseGroup {
  requestIds: string[];
  status: 'expired' | 'closed';
  reason: string;
}

/** Everything a branch does at one step boundary, in the order it is done. */
export interface Transition {
  applicationId: string;
  unitKey: string | null;
  /** Decisions the workflow accepted and has not yet recorded (the server may have written them already). */
  decisions: PartyDecision[];
  /** The closing step's requests that got no decision (several groups when two steps' leftovers meet in one flush). */
  close: CloseGroup | CloseGroup[] | null;
  statuses: Array<{ status: BranchStatus; stepId: string | null; round: number }>;
  changesRequested: ChangesRequestedNotice | null;
  /** The next step's requests, each emailed its party's link. */
  open: OpenApprovalRequestInput[];
}

/**
 * One step boundary of a branch as one activity (the engine's 'one-activity-per-transition'). The
 * decisions that closed the step are written first, each in one statement (writeDecisionsFirst),
 * so the server writing them for the parties waiting on their pages never waits for the rest;
 * then one transaction closes the step's other requests, records the branch's new status, tells
 * the coordinator of changes requested, opens the next step's requests, queues the deciders'
 * receipts and appends every audit record at once (chaining first the decisions' records, written
 * unchained, and any other loose ones; with no records of its own, a later append chains them).
 * (A withdrawal, a unit's removal or a deadline's extension may take the same rows in another
 * order: should two meet, PostgreSQL ends one as a deadlock, and its activity is retried.) Each
 * part is idempotent on its own, so a retry redoes none of what an earlier attempt committed; a
 * step's history costs one activity and one workflow task.
 */
export const applyTransition = (deps: ActivityDeps) => async (t: Transition): Promise<void> => {
  const { applicationId, unitKey } = t;
  const now = deps.clock();
  const decided = await writeDecisionsFirst(deps.db, t.decisions);
  await inTransaction(deps, async (r) => {
    for (const group of [t.close ?? []].flat()) if (group.requestIds.length) await closePendingIn(r, { applicationId, id: { in: group.requestIds } }, group.status, group.reason, now);
    for (const s of t.statuses) await recordBranchStatusIn(r, deps, { applicationId, unitKey, ...s });
    if (t.changesRequested) await queueEmailIn(r, deps, changesRequestedEmail(deps, t.changesRequested));
    for (const request of t.open) await openApprovalRequestIn(r, deps, request);
    for (const d of decided) await queueReceiptIn(r, deps, d);
  }, { ...PATIENT, timeout: PATIENT.timeout + 2_000 * t.open.length });
};
