import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { activities } from '../activities-proxy';
import { refusal, resubmitUpdate, type ResubmitInput } from '../messages';
import type { Resubmission } from './run-branch';
import type { BranchState } from './state';

/** The `resubmit` update of a branch: accepted only while the branch waits for changes. */
export function installResubmission(branch: BranchState, where: { applicationId: string; unitKey: string | null }): Resubmission {
  const resubmission: Resubmission = { received: false };
  setHandler(
    resubmitUpdate,
    async ({ note, by, deadline }) => {
      resubmission.received = true;
      resubmission.deadline = deadline;
      await activities.recordResubmission({ ...where, round: branch.round, note: note?.trim() || null, by });
    },
    {
      validator: ({ deadline }: ResubmitInput) => {
        if (deadline !== undefined) {
          const parsed = Date.parse(deadline);
          if (Number.isNaN(parsed)) throw ApplicationFailure.create({ type: refusal.validation, message: 'The deadline must be an ISO 8601 date-time with a zone.' });
          if (parsed <= Date.now()) throw ApplicationFailure.create({ type: refusal.validation, message: 'The new deadline must be in the future.' });
        }
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
