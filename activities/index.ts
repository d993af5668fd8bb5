import { closeApplication } from './close-application';
import type { ActivityDeps } from './deps';
import { expireApprovalRequest } from './expire-approval-request';
import { notifyChangesRequested } from './notify-changes-requested';
import { openApprovalRequest } from './open-approval-request';
import { recordApplicationStarted } from './record-application-started';
import { recordDecision } from './record-decision';
import { recordResubmission } from './record-resubmission';
import { recordUnitStatus } from './record-unit-status';

export type { ActivityDeps } from './deps';

/** All activities, closed over their dependencies. Workflows import only the type. */
export function createActivities(deps: ActivityDeps) {
  return {
    recordApplicationStarted: recordApplicationStarted(deps),
    openApprovalRequest: openApprovalRequest(deps),
    recordDecision: recordDecision(deps),
    expireApprovalRequest: expireApprovalRequest(deps),
    recordUnitStatus: recordUnitStatus(deps),
    recordResubmission: recordResubmission(deps),
    notifyChangesRequested: notifyChangesRequested(deps),
    closeApplication: closeApplication(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
