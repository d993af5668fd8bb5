import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { activities } from '../activities-proxy';
import { refusal, resubmitUpdate } from '../messages';
import type { Resubmission } from './run-branch';
import type { BranchState } from './state';

/** The `resubmit` update of a branch: accepted only while the branch waits for changes. */
export function installResubmission(branch: BranchState, where: { applicationId: string; unitKey: string | null }): Resubmission {
  const resubmission: Resubmission = { received: false };
  setHandler(
    resubmitUpdate,
    async ({ note, by }) => {
      resubmission.received = true;
      await activities.recordResubmission({ ...where, round: branch.round, note: note?.trim() || null, by });
    },
    {
      validator: (_input) => {
        if (branch.status !== 'changes-requested') {
          throw ApplicationFailure.create({
            type: refusal.conflict,
            message: `${where.unitKey ? `Unit ${where.unitKey}` : 'The application'} is ${branch.status}; only work sent back with changes requested can be resubmitted.`,
          });
        }
      },
    },
  );
  return resubmission;
}
