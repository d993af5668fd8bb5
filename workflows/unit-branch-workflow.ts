import { allHandlersFinished, condition, getExternalWorkflowHandle, isCancellation, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ApplicationInput, UnitInput } from '../domain/application-input';
import { activities } from './activities-proxy';
import type { ScheduleUnit } from './calendar/schedule';
import { installDeadlineControls } from './engine/deadline-controls';
import { installDecisionInbox } from './engine/decision-inbox';
import type { StageDefinition } from './engine/definition';
import { installResubmission, unitChanges } from './engine/resubmission';
import { installReplacements } from './engine/replacements';
import { runBranch } from './engine/run-branch';
import { createTransitions } from './engine/transitions';
import { waitingUnit, type BranchResult, type BranchStatus, type UnitState } from './engine/state';
import { unitProgressSignal, unitStateQuery } from './messages';

export interface UnitBranchInput {
  applicationId: string;
  input: ApplicationInput;
  stage: StageDefinition;
  unit: UnitInput;
  /** Summary of what units declared earlier, for steps that sign it. */
  declaredServices: string;
  /** Absent in histories from before schedules existed: working days. */
  scheduleUnit?: ScheduleUnit;
  /** Set by an application on the lean engine (engine/lean-engine.ts); absent: the earlier engine. */
  lean?: boolean;
  /** Set by an application whose step transitions are one activity each (engine/transitions.ts). */
  transitions?: boolean;
}

/**
 * One unit's branch of a per-unit stage: runs the stage's steps for this unit and returns the
 * unit's outcome. Never fails for business reasons; the application workflow cancels it when the
 * unit is removed or the application withdrawn.
 */
export async function unitBranchWorkflow({ applicationId, input, stage, unit, declaredServices, scheduleUnit, lean = false, transitions: withTransitions = false }: UnitBranchInput): Promise<BranchResult> {
  const state: UnitState = waitingUnit(unit, stage.id);
  setHandler(unitStateQuery, () => state);
  const inbox = installDecisionInbox(lean, withTransitions);
  const transitions = withTransitions ? createTransitions({ applicationId, unitKey: unit.key }, inbox) : null;
  const resubmission = installResubmission(state, { applicationId, unitKey: unit.key }, unitChanges(unit, input));
  const controls = installDeadlineControls(state, `Unit ${unit.key}`);
  installReplacements(inbox, applicationId, [input, unit], { recordsPerson: false });

  // The earlier engine signals each change to the application; a lean branch is queried instead.
  const report = async () => {
    const parentId = workflowInfo().parent?.workflowId;
    if (parentId && !lean) await getExternalWorkflowHandle(parentId).signal(unitProgressSignal, state);
  };
  const setStatus = async (status: BranchStatus) => {
    state.status = status;
    const change = { status, stepId: state.current?.stepId ?? null, round: state.round };
    if (transitions) return transitions.stage({ statuses: [change] });
    await activities.recordBranchStatus({ applicationId, unitKey: unit.key, ...change });
    await report();
  };

  const catalogue = input.variant === 'dedicated-zit-allocation' ? input.serviceCatalogue.map((s) => s.code) : [];
  const run = async () => {
    const ended = await runBranch(
      {
        applicationId,
        applicationTitle: input.title,
        input,
        unit,
        workflowId: workflowInfo().workflowId,
        inbox,
        report,
        declaredServices: () => declaredServices,
        catalogue,
        controls,
        scheduleUnit: scheduleUnit ?? { kind: 'working-day' },
        lean,
        transitions,
      },
      stage.steps,
      state,
      resubmission,
      setStatus,
    );
    state.declaredServices = ended.services;
    await setStatus(ended.outcome);
    await transitions?.flush();
    return ended;
  };
  const { outcome, services } = await run().catch(async (error: unknown) => {
    // Removed or withdrawn: no decision is taken any more, and those accepted reach the database
    // before the application closes the unit's requests (it waits for this workflow to end).
    if (transitions && isCancellation(error)) await transitions.salvage('This request is closed: its unit is no longer part of the application.');
    throw error;
  });
  await condition(inbox.receiptsSent);
  await condition(allHandlersFinished);
  // A lean application keeps its finished units' states: nobody has to ask this workflow again.
  return { unitKey: unit.key, name: unit.name, outcome, declaredServices: services, ...(lean ? { state } : {}) };
}
