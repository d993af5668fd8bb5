import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { effectiveDeadline } from '../calendar/business-calendar';
import { laterOf } from '../calendar/schedule';
import type { Actor } from '../../domain/actor';
import { type ActedBy, type ExtendDeadlineInput, extendDeadlineUpdate, proceedWithoutMissingUpdate, refusal } from '../messages';
import type { StepDefinition } from './definition';
import type { BranchState } from './state';

/** What the coordinator asked of the current step's deadline; read and cleared by runStep. */
export interface DeadlineControls {
  extendedTo: string | null;
  /** Who asked for the extension or for going on without the missing parties. */
  by?: Actor;
  proceedWithoutMissing: boolean;
  /** Set by runStep: the definition of the step now running. */
  step: StepDefinition | null;
  /** Set by runStep: whether deadlines follow the business calendar (not in fixed-unit tests). */
  calendar: boolean;
  /** Set while the branch waits for the coordinator's resubmission: that wait's deadline, which may be extended. */
  resubmitBy?: string | null;
}

const refuse = (type: string, message: string): never => {
  throw ApplicationFailure.create({ type, message });
};

/** The `extendDeadline` and `proceedWithoutMissing` updates of a branch. */
export function installDeadlineControls(branch: BranchState, what: string): DeadlineControls {
  const controls: DeadlineControls = { extendedTo: null, proceedWithoutMissing: false, step: null, calendar: true };
  const open = () => {
    const current = branch.current;
    if (!current || (current.status !== 'open' && current.status !== 'overdue')) refuse(refusal.conflict, `${what} has no step waiting for decisions.`);
    return current!;
  };
  setHandler(
    extendDeadlineUpdate,
    ({ deadline, by }) => {
      controls.by = by;
      const parsed = Date.parse(deadline);
      const moved = controls.calendar ? effectiveDeadline(parsed) : parsed;
      controls.extendedTo = new Date(moved).toISOString();
      return { deadline: controls.extendedTo };
    },
    {
      validator: ({ deadline }: ExtendDeadlineInput) => {
        // Against an extension accepted and not yet applied too: two at once must not leave the earlier standing.
        const standing = controls.resubmitBy ?? open().deadline;
        const current = controls.extendedTo ? laterOf(standing, controls.extendedTo) : standing;
        const parsed = Date.parse(deadline);
        if (Number.isNaN(parsed)) refuse(refusal.validation, 'The deadline must be an ISO 8601 date-time with a zone.');
        if (parsed <= Date.now()) refuse(refusal.validation, 'The new deadline must be in the future.');
        if (parsed <= Date.parse(current)) refuse(refusal.validation, `The new deadline must be after the current one (${current}).`);
      },
    },
  );
  setHandler(
    proceedWithoutMissingUpdate,
    (acted) => {
      controls.by = acted?.by;
      controls.proceedWithoutMissing = true;
    },
    {
      validator: (_acted: ActedBy) => {
        const current = open();
        if (current.status !== 'overdue') refuse(refusal.conflict, `The deadline of ${current.stepId} (${current.deadline}) has not passed; wait, or extend it.`);
        if (!controls.step?.proceedWithoutMissing) refuse(refusal.conflict, `Step ${current.stepId} cannot go on without its missing parties; extend the deadline or withdraw.`);
      },
    },
  );
  return controls;
}
