import type { BranchStatus } from '../workflows/engine/state';
import { closeApprovalRequests } from './close-requests';
import type { ActivityDeps } from './deps';
import { recordBranchStatus } from './lifecycle';
import { notifyChangesRequested, type ChangesRequestedNotice } from './notify-changes-requested';
import { openApprovalRequest, type OpenApprovalRequestInput } from './open-approval-request';
import { recordDecision, type DecisionToRecord } from './record-decision';

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
 * One step boundary of a branch as one activity (the engine's 'one-activity-per-transition'):
 * record the decisions that closed the step, close its other requests, record the branch's new
 * status, tell the coordinator of changes requested, open the next step's requests. Each part is
 * idempotent on its own, so a retry redoes none of what an earlier attempt committed; a step's
 * history costs one activity and one workflow task instead of one per part.
 */
export const applyTransition = (deps: ActivityDeps) => {
  const record = recordDecision(deps);
  const close = closeApprovalRequests(deps);
  const setStatus = recordBranchStatus(deps);
  const notify = notifyChangesRequested(deps);
  const open = openApprovalRequest(deps);
  return async (t: Transition): Promise<void> => {
    const { applicationId, unitKey } = t;
    for (const d of t.decisions) await record(d);
    for (const group of [t.close ?? []].flat()) if (group.requestIds.length) await close({ applicationId, ...group });
    for (const s of t.statuses) await setStatus({ applicationId, unitKey, ...s });
    if (t.changesRequested) await notify(t.changesRequested);
    // One at a time: a step of many parties must not take as many pooled connections at once.
    for (const request of t.open) await open(request);
  };
};
