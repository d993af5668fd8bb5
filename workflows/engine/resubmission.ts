import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { activities } from '../activities-proxy';
import { refusal, resubmitUpdate, type ChangeMade, type ResubmitChanges, type ResubmitInput } from '../messages';
import type { Resubmission } from './run-branch';
import type { BranchState } from './state';

/** How a branch takes the changes a resubmission brings: refuses what it cannot change, and applies the rest. */
export interface ChangeTaker {
  /** Throws (a validation refusal) for changes this branch cannot make. */
  check(changes: ResubmitChanges): void;
  /** Makes them; returns what changed, before and after. */
  apply(changes: ResubmitChanges): ChangeMade[];
}

const refuseChange = (message: string): never => {
  throw ApplicationFailure.create({ type: refusal.validation, message });
};

export { refuseChange };

/** The `resubmit` update of a branch: accepted only while the branch waits for changes. */
export function installResubmission(branch: BranchState, where: { applicationId: string; unitKey: string | null }, changes: ChangeTaker): Resubmission {
  const resubmission: Resubmission = { received: false };
  setHandler(
    resubmitUpdate,
    async ({ note, by, deadline, changes: asked }) => {
      resubmission.received = true;
      resubmission.deadline = deadline;
      // Changes are made before the step reopens, so its parties are asked what it now says.
      const made = asked ? changes.apply(asked) : [];
      await activities.recordResubmission({ ...where, round: branch.round, note: note?.trim() || null, by, ...(made.length ? { changes: made } : {}) });
    },
    {
      validator: ({ deadline, changes: asked }: ResubmitInput) => {
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
        if (asked) changes.check(asked);
      },
    },
  );
  return resubmission;
}

/** A unit's branch: its project reference can change (in the unit and in the input its steps read). */
export function unitChanges(unit: { key: string; projectReference?: string }, input: { units: Array<{ key: string; projectReference?: string }> }): ChangeTaker {
  return {
    check(changes) {
      if (changes.services) refuseChange("Declared services are amended when resubmitting the application's own step that signs them, not a unit's.");
      if (changes.projectReference !== undefined && !changes.projectReference.trim()) refuseChange('The project reference must not be empty.');
    },
    apply({ projectReference }) {
      if (projectReference === undefined || projectReference.trim() === unit.projectReference) return [];
      const before = unit.projectReference ?? null;
      const after = projectReference.trim();
      unit.projectReference = after;
      const listed = input.units.find((u) => u.key === unit.key);
      if (listed) listed.projectReference = after;
      return [{ field: 'projectReference', unitKey: unit.key, before, after }];
    },
  };
}
