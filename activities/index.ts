import { applyTransition } from './apply-transition';
import { closeApplication } from './close-application';
import { closeApprovalRequests } from './close-requests';
import { appointDeputy } from './deputies';
import { reassignRequests } from './replacements';
import { escalateMissedDeadline, recordDeadlineExtended, recordProceededWithoutMissing, remindParties } from './deadlines';
import type { ActivityDeps } from './deps';
import { withClassifiedFailures } from './failures';
import {
  recordBranchStatus,
  recordResubmission,
  recordStage,
  recordStageCompleted,
  recordUnitAdded,
  recordUnitRemoved,
  withdrawApplication,
} from './lifecycle';
import { notifyChangesRequested, remindResubmission } from './notify-changes-requested';
import { openApprovalRequest } from './open-approval-request';
import { recordApplicationStarted } from './record-application-started';
import { recordDecision, sendDecisionReceipt } from './record-decision';

export type { ActivityDeps } from './deps';

/**
 * All activities, closed over their dependencies, with permanent failures reported as typed
 * non-retryable ones (activities/failures.ts). Workflows import only the type.
 */
export function createActivities(deps: ActivityDeps) {
  return withClassifiedFailures({
    recordApplicationStarted: recordApplicationStarted(deps),
    recordStage: recordStage(deps),
    recordStageCompleted: recordStageCompleted(deps),
    openApprovalRequest: openApprovalRequest(deps),
    applyTransition: applyTransition(deps),
    recordDecision: recordDecision(deps),
    sendDecisionReceipt: sendDecisionReceipt(deps),
    closeApprovalRequests: closeApprovalRequests(deps),
    recordBranchStatus: recordBranchStatus(deps),
    recordResubmission: recordResubmission(deps),
    notifyChangesRequested: notifyChangesRequested(deps),
    remindResubmission: remindResubmission(deps),
    recordUnitAdded: recordUnitAdded(deps),
    recordUnitRemoved: recordUnitRemoved(deps),
    withdrawApplication: withdrawApplication(deps),
    remindParties: remindParties(deps),
    escalateMissedDeadline: escalateMissedDeadline(deps),
    recordDeadlineExtended: recordDeadlineExtended(deps),
    recordProceededWithoutMissing: recordProceededWithoutMissing(deps),
    closeApplication: closeApplication(deps),
    appointDeputy: appointDeputy(deps),
    reassignRequests: reassignRequests(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
