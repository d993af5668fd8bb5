import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  executeChild,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Actor } from '../domain/actor';
import type { ApplicationInput, UnitInput } from '../domain/application-input';
import { activities } from './activities-proxy';
import type { ScheduleUnit } from './calendar/schedule';
import { installDeadlineControls } from './engine/deadline-controls';
import { installDecisionInbox } from './engine/decision-inbox';
import type { StageDefinition, VariantDefinition } from './engine/definition';
import { patchedOrLean, startsLean } from './engine/lean-engine';
import { installResubmission } from './engine/resubmission';
import { runBranch } from './engine/run-branch';
import { waitingUnit, type ApplicationResult, type ApplicationState, type BranchStatus, type UnitResult, type UnitState } from './engine/state';
import { unitBranchWorkflowId } from './ids';
import {
  type ActedBy,
  addUnitUpdate,
  applicationStateQuery,
  refusal,
  type RemoveUnitInput,
  removeUnitUpdate,
  unitProgressSignal,
  withdrawUpdate,
} from './messages';
import { unitBranchWorkflow } from './unit-branch-workflow';
import { waitingFor } from './waiting-for';

export interface ApplicationWorkflowInput {
  applicationId: string;
  input: ApplicationInput;
  /** The variant's definition as it was when the application started; it keeps it to the end. */
  definition: VariantDefinition;
  /** What a "working day" of reminders and escalations is; absent in early histories: working days. */
  scheduleUnit?: ScheduleUnit;
  /** The office whose coordinators act on it, and who started it; absent before sign-in existed. */
  office?: string | null;
  startedBy?: Actor;
}

const refuse = (type: string, message: string): never => {
  throw ApplicationFailure.create({ type, message });
};

/**
 * One joint funding application, for any financing variant: runs the definition's stages in
 * order (application steps here, per-unit steps in one child workflow per unit) and completes
 * with the application's end status. Query `applicationState` at any time; the coordinator may
 * withdraw it, add or remove units while sign-offs are collected, and resubmit sent-back work.
 */
export async function applicationWorkflow({ applicationId, input, definition, scheduleUnit = { kind: 'working-day' }, office, startedBy }: ApplicationWorkflowInput): Promise<ApplicationResult> {
  const lean = startsLean();
  const units: UnitInput[] = [...input.units];
  const unitStates = new Map<string, UnitState>(units.map((u) => [u.key, waitingUnit(u)]));
  const results = new Map<string, UnitResult>();
  const removed = new Set<string>();
  const state: ApplicationState = {
    applicationId,
    variant: definition.variant,
    definitionVersion: definition.version,
    title: input.title,
    status: 'collecting-sign-offs',
    stage: null,
    steps: { status: 'waiting', round: 1, current: null, history: [] },
    units: [],
    waitingFor: [],
  };
  const snapshot = (): ApplicationState => {
    const list = units.map((u) => unitStates.get(u.key)!);
    return { ...state, units: list, waitingFor: waitingFor(state.steps, list) };
  };
  let stageIndex = -1;
  let declaredServices = '';
  let withdrawal = null as { reason: string; by?: Actor } | null;
  let unitStage: { add(unit: UnitInput): void; remove(unitKey: string): void } | null = null;
  // A running per-unit stage must not finish while a unit is being added to it.
  let unitsBeingAdded = 0;
  const main = new CancellationScope();

  setHandler(applicationStateQuery, snapshot);
  // Branches of the earlier engine report each change; lean ones are queried by the client instead.
  setHandler(unitProgressSignal, (unit) => {
    if (!removed.has(unit.unitKey)) unitStates.set(unit.unitKey, unit);
  });
  const inbox = installDecisionInbox(lean);
  const resubmission = installResubmission(state.steps, { applicationId, unitKey: null });
  const controls = installDeadlineControls(state.steps, 'The application');

  const assertCollecting = () => {
    if (state.status !== 'collecting-sign-offs' || withdrawal) refuse(refusal.conflict, `The application is ${withdrawal ? 'being withdrawn' : state.status}.`);
  };
  // Units may join or leave until the last per-unit stage has finished.
  const assertUnitsOpen = () => {
    assertCollecting();
    if (!definition.stages.slice(Math.max(stageIndex, 0)).some((s) => s.scope === 'per-unit')) {
      refuse(refusal.conflict, `Units can no longer change: the application is at stage "${state.stage?.name}".`);
    }
  };

  setHandler(
    withdrawUpdate,
    async ({ reason, by }) => {
      withdrawal = { reason, by };
      main.cancel();
      await condition(() => state.status === 'withdrawn');
      return snapshot();
    },
    { validator: (_input) => assertCollecting() },
  );
  setHandler(
    addUnitUpdate,
    async (unit, acted) => {
      units.push(unit);
      unitStates.set(unit.key, waitingUnit(unit));
      unitsBeingAdded += 1;
      try {
        await activities.recordUnitAdded({ applicationId, unit, by: acted?.by });
        unitStage?.add(unit);
      } finally {
        unitsBeingAdded -= 1;
      }
      return snapshot();
    },
    {
      validator: (unit: UnitInput, _acted: ActedBy) => {
        assertUnitsOpen();
        if (units.some((u) => u.key === unit.key)) refuse(refusal.conflict, `The application already has a unit "${unit.key}".`);
        if (definition.variant === 'module-in-existing-projects' && !unit.projectReference) {
          refuse(refusal.validation, 'A unit in this variant needs the projectReference of its existing project.');
        }
      },
    },
  );
  setHandler(
    removeUnitUpdate,
    async ({ unitKey, reason, by }) => {
      removed.add(unitKey);
      const unit = unitStates.get(unitKey)!;
      unitStates.set(unitKey, { ...unit, status: 'removed', current: null });
      unitStage?.remove(unitKey);
      await activities.recordUnitRemoved({ applicationId, unitKey, reason, by });
      return snapshot();
    },
    {
      validator: ({ unitKey }: RemoveUnitInput) => {
        assertUnitsOpen();
        const unit = unitStates.get(unitKey);
        if (!unit || removed.has(unitKey)) refuse(refusal.validation, `The application has no unit "${unitKey}".`);
        if (results.has(unitKey)) refuse(refusal.conflict, `Unit ${unitKey} has already finished its branch (${results.get(unitKey)!.outcome}).`);
      },
    },
  );

  const setStepsStatus = async (status: BranchStatus) => {
    state.steps.status = status;
    await activities.recordBranchStatus({ applicationId, unitKey: null, status, stepId: state.steps.current?.stepId ?? null, round: state.steps.round });
  };

  /** Application-level steps, run here; the stage succeeds when its branch does. */
  const runApplicationStage = async (stage: StageDefinition): Promise<boolean> => {
    state.steps.round = 1;
    const { outcome } = await runBranch(
      {
        applicationId,
        applicationTitle: input.title,
        input,
        unit: null,
        workflowId: workflowInfo().workflowId,
        inbox,
        report: async () => {},
        declaredServices: () => declaredServices,
        catalogue: [],
        controls,
        scheduleUnit,
        lean,
      },
      stage.steps,
      state.steps,
      resubmission,
      setStepsStatus,
    );
    await setStepsStatus(outcome);
    return outcome === 'succeeded';
  };

  /** Per-unit steps, one child workflow per unit (units may join or leave while it runs). */
  const runUnitStage = async (stage: StageDefinition): Promise<boolean> => {
    const stageScope = CancellationScope.current();
    const scopes = new Map<string, CancellationScope>();
    const finished = new Map<string, UnitResult>();
    let failure: Error | undefined;
    const start = (unit: UnitInput) => {
      const scope = new CancellationScope({ cancellable: true, parent: stageScope });
      scopes.set(unit.key, scope);
      // A lean branch reports nothing: its entry here only says where to query it.
      if (lean) unitStates.set(unit.key, waitingUnit(unit, stage.id));
      scope
        .run(() =>
          executeChild(unitBranchWorkflow, {
            workflowId: unitBranchWorkflowId(applicationId, stage.id, unit.key),
            args: [{ applicationId, input, stage, unit, declaredServices, scheduleUnit, ...(lean ? { lean } : {}) }],
          }),
        )
        .then(
          ({ state: final, ...result }) => {
            finished.set(unit.key, result);
            if (lean && !removed.has(unit.key)) unitStates.set(unit.key, final ?? { ...unitStates.get(unit.key)!, status: result.outcome, declaredServices: result.declaredServices });
          },
          (error: Error) => {
            if (removed.has(unit.key) && isCancellation(error)) finished.set(unit.key, { unitKey: unit.key, name: unit.name, outcome: 'removed', declaredServices: null });
            else failure ??= error;
          },
        );
    };
    unitStage = { add: start, remove: (key) => scopes.get(key)?.cancel() };
    units.filter((u) => !removed.has(u.key)).forEach(start);
    await condition(() => failure !== undefined || (unitsBeingAdded === 0 && [...scopes.keys()].every((k) => finished.has(k))));
    unitStage = null;
    if (failure) throw failure;
    for (const [key, result] of finished) results.set(key, result);
    declaredServices = describeDeclarations(input, [...finished.values()]);
    return [...finished.values()].some((r) => r.outcome === 'succeeded');
  };

  await activities.recordApplicationStarted({ applicationId, input, definitionVersion: definition.version, office, startedBy });
  try {
    await main.run(async () => {
      for (const [index, stage] of definition.stages.entries()) {
        stageIndex = index;
        state.stage = { id: stage.id, name: stage.name, scope: stage.scope };
        await activities.recordStage({ applicationId, stageId: stage.id, stageName: stage.name });
        const succeeded = stage.scope === 'application' ? await runApplicationStage(stage) : await runUnitStage(stage);
        // Added after applications were running: their histories have no such activity here.
        if (patchedOrLean(lean, 'stage-completed-audit')) {
          const outcomes = stage.scope === 'per-unit' ? [...results.values()].map((r) => ({ unitKey: r.unitKey, outcome: r.outcome })) : [];
          await activities.recordStageCompleted({ applicationId, stageId: stage.id, succeeded, units: outcomes });
        }
        if (!succeeded) {
          state.status = stage.onFailure;
          return;
        }
      }
      state.status = definition.onSuccess;
    });
  } catch (error) {
    if (!(withdrawal && isCancellation(error))) throw error;
  }
  if (withdrawal) {
    inbox.close(inbox.openRequestIds(), 'This request is closed: the application was withdrawn.');
    await activities.withdrawApplication({ applicationId, reason: withdrawal.reason, by: withdrawal.by });
    state.status = 'withdrawn';
  }
  const unitResults = units.map(
    (u): UnitResult => results.get(u.key) ?? { unitKey: u.key, name: u.name, outcome: removed.has(u.key) ? 'removed' : withdrawal ? 'withdrawn' : 'not-reached', declaredServices: null },
  );
  await activities.closeApplication({ applicationId, status: state.status, units: unitResults });
  await condition(inbox.receiptsSent);
  await condition(allHandlersFinished);
  return { applicationId, status: state.status, units: unitResults };
}

function describeDeclarations(input: ApplicationInput, results: UnitResult[]): string {
  if (input.variant !== 'dedicated-zit-allocation') return '';
  const names = new Map(input.serviceCatalogue.map((s) => [s.code, s.name]));
  return results
    .filter((r) => r.outcome === 'succeeded' && r.declaredServices)
    .map((r) => `${r.name}: ${r.declaredServices!.map((c) => names.get(c) ?? c).join(', ')}`)
    .join('; ');
}
