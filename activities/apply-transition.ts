import type { BranchStatus } from '../workflows/engine/state';
import { inTransaction, PATIENT } from './audit';
import { closePendingIn } from './close-requests';
import type { ActivityDeps } from './deps';
import { queueEmailIn } from './enqueue-email';
import { recordBranchStatusIn } from './lifecycle';
import { changesRequestedEmail, type ChangesRequestedNotice } from './notify-changes-requested';
import { openApprovalRequestIn, type OpenApprovalRequestInput } from './open-approval-request';
import { recordDecisionIn, type DecisionToRecord } from './record-decision';

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
  decisions: DecisionToRecord[];
  /** The closing step's requests that got no decision (several groups when two steps' leftovers meet in one flush). */
  close: CloseGroup | CloseGroup[] | null;
  statuses: Array<{ status: BranchStatus; stepId: string | null; round: number }>;
  changesRequested: ChangesRequestedNotice | null;
  /** The next step's requests, each emailed its party's link. */
  open: OpenApprovalRequestInput[];
}

/**
 * One step boundary of a branch as one activity (the engine's 'one-activity-per-transition') and
 * one transaction: close the step's other requests, record the branch's new status, tell the
 * coordinator of changes requested, open the next step's requests, record the decisions that
 * closed the step (last, so the requests' rows the server may be writing too are held only until
 * the commit), then append every audit record at once, decisions first. (A withdrawal, a unit's
 * removal or a deadline's extension may take the same rows in another order: should two meet,
 * PostgreSQL ends one as a deadlock, and its activity is retried.) Each part is idempotent on
 * its own, so a retry redoes none of what an earlier attempt committed; a step's history costs one
 * activity and one workflow task, and its database work one transaction and one chain append.
 */
export const applyTransition = (deps: ActivityDeps) => async (t: Transition): Promise<void> => {
  const { applicationId, unitKey } = t;
  const now = deps.clock();
  await inTransaction(deps, async (r) => {
    for (const group of [t.close ?? []].flat()) if (group.requestIds.length) await closePendingIn(r, { applicationId, id: { in: group.requestIds } }, group.status, group.reason, now);
    for (const s of t.statuses) await recordBranchStatusIn(r, deps, { applicationId, unitKey, ...s });
    if (t.changesRequested) await queueEmailIn(r, deps, changesRequestedEmail(deps, t.changesRequested));
    for (const request of t.open) await openApprovalRequestIn(r, deps, request);
    const before = r.audit.length;
    for (const d of t.decisions) await recordDecisionIn(r, deps, d);
    // The decisions come first in the trail, as they came first.
    r.audit.unshift(...r.audit.splice(before));
  }, { ...PATIENT, timeout: PATIENT.timeout + 2_000 * t.open.length });
};
