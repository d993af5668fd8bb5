import { ApplicationFailure, CancellationScope, allHandlersFinished, condition, isCancellation, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { StageCompletion } from '../activities/lifecycle';
import type { Actor } from '../domain/actor';
import type { ApplicationInput, UnitInput } from '../domain/application-input';
import { activities } from './activities-proxy';
import { UnitRoster } from './application/unit-roster';
import { runUnitStage, type RunningUnitStage } from './application/unit-stage';
import type { ScheduleUnit } from './calendar/schedule';
import { installDeadlineControls, type DeadlineControls } from './engine/deadline-controls';
import { installDecisionInbox, type DecisionInbox } from './engine/decision-inbox';
import type { StageDefinition, VariantDefinition } from './engine/definition';
import { patchedOrLean, startsLean, startsWithTransitions } from './engine/lean-engine';
import { installResubmission, refuseChange, type ChangeTaker } from './engine/resubmission';
import { installReplacements } from './engine/replacements';
import type { Resubmission } from './engine/run-branch';
import { runBranch } from './engine/run-branch';
import { type ApplicationResult, type ApplicationState, type BranchStatus, type UnitResult } from './engine/state';
import { createTransitions, type Transitions } from './engine/transitions';
import { type ActedBy, type ChangeMade, addUnitUpdate, applicationStateQuery, refusal, type RemoveUnitInput, removeUnitUpdate, unitProgressSignal, withdrawUpdate } from './messages';
import { K2_DEADLINE, K2_STATUS, K2_VARIANT, stageDeadline } from './search-attributes';
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
export async function applicationWorkflow(args: ApplicationWorkflowInput): Promise<ApplicationResult> {
  return new ApplicationRun(args).run();
}

/** An application's state and handlers, and the steps of its run (the Temporal samples' message-passing style). */
class ApplicationRun {
  private readonly applicationId: string;
  private readonly input: ApplicationInput;
  private readonly definition: VariantDefinition;
  private readonly scheduleUnit: ScheduleUnit;
  /** The engine this application began with (engine/lean-engine.ts); decided first, kept to the end. */
  private readonly lean = startsLean();
  private readonly withTransitions = startsWithTransitions(this.lean);
  /**
   * Started with k2flow's search attributes (the server sets them since they exist): this
   * application keeps its status and deadline in them. Read from the start event, so no marker.
   */
  private readonly searchable = workflowInfo().typedSearchAttributes.get(K2_VARIANT) !== undefined;
  private readonly roster: UnitRoster;
  private readonly state: ApplicationState;
  private stageIndex = -1;
  private declaredServices = '';
  private withdrawal: { reason: string; by?: Actor } | null = null;
  private unitStage: RunningUnitStage | null = null;
  private lastStage: StageCompletion | undefined;
  /** Everything but the withdrawal's own clean-up: a withdrawal cancels it. */
  private readonly main = new CancellationScope();
  private readonly inbox: DecisionInbox;
  private readonly transitions: Transitions | null;
  private readonly resubmission: Resubmission;
  private readonly controls: DeadlineControls;

  constructor(private readonly args: ApplicationWorkflowInput) {
    const { applicationId, input, definition } = args;
    this.applicationId = applicationId;
    this.input = input;
    this.definition = definition;
    this.scheduleUnit = args.scheduleUnit ?? { kind: 'working-day' };
    this.roster = new UnitRoster(input.units);
    this.state = {
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
    // Handlers in the order they always were installed in (patch markers among them).
    setHandler(applicationStateQuery, () => this.snapshot());
    // Branches of the earlier engine report each change; lean ones are queried by the client instead.
    setHandler(unitProgressSignal, (unit) => this.roster.update(unit));
    this.inbox = installDecisionInbox(this.lean, this.withTransitions);
    this.transitions = this.withTransitions ? createTransitions({ applicationId, unitKey: null }, this.inbox) : null;
    this.resubmission = installResubmission(this.state.steps, { applicationId, unitKey: null }, this.declarationChanges());
    this.controls = installDeadlineControls(this.state.steps, 'The application');
    this.installUnitUpdates();
    installReplacements(this.inbox, applicationId, [input], { recordsPerson: true });
  }

  private snapshot(): ApplicationState {
    const list = this.roster.list();
    return { ...this.state, units: list, waitingFor: waitingFor(this.state.steps, list) };
  }

  private assertCollecting(): void {
    if (this.state.status !== 'collecting-sign-offs' || this.withdrawal) refuse(refusal.conflict, `The application is ${this.withdrawal ? 'being withdrawn' : this.state.status}.`);
  }

  /** Units may join or leave until the last per-unit stage has finished. */
  private assertUnitsOpen(): void {
    this.assertCollecting();
    if (!this.definition.stages.slice(Math.max(this.stageIndex, 0)).some((s) => s.scope === 'per-unit')) {
      refuse(refusal.conflict, `Units can no longer change: the application is at stage "${this.state.stage?.name}".`);
    }
  }

  /** The coordinator's `withdraw`, `addUnit` and `removeUnit` updates. */
  private installUnitUpdates(): void {
    const { applicationId, roster } = this;
    setHandler(
      withdrawUpdate,
      async ({ reason, by }) => {
        this.withdrawal = { reason, by };
        this.main.cancel();
        await condition(() => this.state.status === 'withdrawn');
        return this.snapshot();
      },
      { validator: (_input) => this.assertCollecting() },
    );
    setHandler(
      addUnitUpdate,
      async (unit, acted) => {
        roster.add(unit);
        roster.adding += 1;
        try {
          await activities.recordUnitAdded({ applicationId, unit, by: acted?.by });
          this.unitStage?.add(unit);
        } finally {
          roster.adding -= 1;
        }
        return this.snapshot();
      },
      {
        validator: (unit: UnitInput, _acted: ActedBy) => {
          this.assertUnitsOpen();
          if (roster.includesKey(unit.key)) refuse(refusal.conflict, `The application already has a unit "${unit.key}".`);
          if (this.definition.variant === 'module-in-existing-projects' && !unit.projectReference) {
            refuse(refusal.validation, 'A unit in this variant needs the projectReference of its existing project.');
          }
        },
      },
    );
    setHandler(
      removeUnitUpdate,
      async ({ unitKey, reason, by }) => {
        roster.remove(unitKey);
        const stage = this.unitStage;
        stage?.remove(unitKey);
        // With transitions, the branch records the decisions it accepted before its requests close here.
        if (this.withTransitions && stage) await condition(() => stage.ended(unitKey));
        await activities.recordUnitRemoved({ applicationId, unitKey, reason, by });
        return this.snapshot();
      },
      {
        validator: ({ unitKey }: RemoveUnitInput) => {
          this.assertUnitsOpen();
          if (!roster.has(unitKey)) refuse(refusal.validation, `The application has no unit "${unitKey}".`);
          const result = roster.results.get(unitKey);
          if (result) refuse(refusal.conflict, `Unit ${unitKey} has already finished its branch (${result.outcome}).`);
        },
      },
    );
  }

  async run(): Promise<ApplicationResult> {
    const { applicationId, definition, withTransitions, args } = this;
    // With transitions, the first stage is entered with the start and the last one completed with the close.
    const [firstStage] = definition.stages;
    await activities.recordApplicationStarted({
      applicationId,
      input: this.input,
      definitionVersion: definition.version,
      office: args.office,
      startedBy: args.startedBy,
      ...(withTransitions && firstStage ? { firstStage: { stageId: firstStage.id, stageName: firstStage.name } } : {}),
    });
    try {
      await this.main.run(() => this.runStages());
    } catch (error) {
      if (!(this.withdrawal && isCancellation(error))) throw error;
    }
    if (this.withdrawal) await this.withdraw(this.withdrawal);
    const units = this.roster.finalResults(!!this.withdrawal);
    // Ended: its status is final and it waits on no deadline.
    if (this.searchable) upsertSearchAttributes([{ key: K2_STATUS, value: this.state.status }, { key: K2_DEADLINE, value: null }]);
    await activities.closeApplication({ applicationId, status: this.state.status, units, ...(this.lastStage ? { lastStage: this.lastStage } : {}) });
    await condition(this.inbox.receiptsSent);
    await condition(allHandlersFinished);
    return { applicationId, status: this.state.status, units };
  }

  /** The definition's stages in order, until one fails or all succeed. */
  private async runStages(): Promise<void> {
    const { applicationId, definition, withTransitions } = this;
    for (const [index, stage] of definition.stages.entries()) {
      this.stageIndex = index;
      this.state.stage = { id: stage.id, name: stage.name, scope: stage.scope };
      // The first stage's deadline was set with the start.
      if (this.searchable && index > 0) upsertSearchAttributes([{ key: K2_DEADLINE, value: stageDeadline(stage, this.input) }]);
      if (!(withTransitions && index === 0)) await activities.recordStage({ applicationId, stageId: stage.id, stageName: stage.name });
      const succeeded = stage.scope === 'application' ? await this.runApplicationStage(stage) : await this.runUnitStage(stage);
      const outcomes = stage.scope === 'per-unit' ? [...this.roster.results.values()].map((r) => ({ unitKey: r.unitKey, outcome: r.outcome })) : [];
      const completion: StageCompletion = { applicationId, stageId: stage.id, succeeded, units: outcomes };
      const last = !succeeded || index === definition.stages.length - 1;
      if (withTransitions && last) this.lastStage = completion;
      // Added after applications were running: their histories have no such activity here.
      else if (patchedOrLean(this.lean, 'stage-completed-audit')) await activities.recordStageCompleted(completion);
      if (!succeeded) {
        this.state.status = stage.onFailure;
        return;
      }
    }
    this.state.status = definition.onSuccess;
  }

  /** Application-level steps, run here; the stage succeeds when its branch does. */
  private async runApplicationStage(stage: StageDefinition): Promise<boolean> {
    const { applicationId, state, transitions } = this;
    const setStepsStatus = async (status: BranchStatus) => {
      state.steps.status = status;
      const change = { status, stepId: state.steps.current?.stepId ?? null, round: state.steps.round };
      if (transitions) transitions.stage({ statuses: [change] });
      else await activities.recordBranchStatus({ applicationId, unitKey: null, ...change });
    };
    state.steps.round = 1;
    const { outcome } = await runBranch(
      {
        applicationId,
        applicationTitle: this.input.title,
        input: this.input,
        unit: null,
        workflowId: workflowInfo().workflowId,
        inbox: this.inbox,
        report: async () => {},
        declaredServices: () => this.declaredServices,
        catalogue: [],
        controls: this.controls,
        scheduleUnit: this.scheduleUnit,
        lean: this.lean,
        transitions,
      },
      stage.steps,
      state.steps,
      this.resubmission,
      setStepsStatus,
    );
    await setStepsStatus(outcome);
    await transitions?.flush();
    return outcome === 'succeeded';
  }

  /**
   * The application's own steps can amend what units declared (the promoter and the final
   * approval sign it): each unit's services, from the catalogue, for units that declared.
   */
  private declarationChanges(): ChangeTaker {
    const catalogue = (): string[] => (this.input.variant === 'dedicated-zit-allocation' ? this.input.serviceCatalogue.map((s) => s.code) : []);
    return {
      check: (changes) => {
        if (changes.projectReference !== undefined) refuseChange("A unit's project reference is changed when resubmitting that unit.");
        for (const [unitKey, codes] of Object.entries(changes.services ?? {})) {
          const declared = this.roster.results.get(unitKey);
          if (!declared?.declaredServices || declared.outcome !== 'succeeded') refuseChange(`Unit ${unitKey} declared no services to amend.`);
          if (!codes.length) refuseChange(`Unit ${unitKey} must keep at least one service; remove the unit instead.`);
          const unknown = codes.filter((c) => !catalogue().includes(c));
          if (unknown.length) refuseChange(`Unknown services: ${unknown.join(', ')}.`);
        }
      },
      apply: (changes) => {
        const made: ChangeMade[] = [];
        for (const [unitKey, codes] of Object.entries(changes.services ?? {})) {
          const result = this.roster.results.get(unitKey)!;
          const after = [...new Set(codes)];
          if (after.join() === result.declaredServices?.join()) continue;
          made.push({ field: 'services', unitKey, before: result.declaredServices, after });
          this.roster.results.set(unitKey, { ...result, declaredServices: after });
          const state = this.roster.list().find((u) => u.unitKey === unitKey);
          if (state) this.roster.update({ ...state, declaredServices: after });
        }
        if (made.length) this.declaredServices = describeDeclarations(this.input, [...this.roster.results.values()]);
        return made;
      },
    };
  }

  /** Per-unit steps, one child workflow per unit (application/unit-stage.ts); succeeds when any unit does. */
  private async runUnitStage(stage: StageDefinition): Promise<boolean> {
    const { applicationId, input, scheduleUnit, declaredServices, lean, withTransitions, roster } = this;
    const finished = await runUnitStage({ applicationId, input, scheduleUnit, declaredServices, lean, withTransitions, roster }, stage, (running) => (this.unitStage = running));
    for (const [key, result] of finished) roster.results.set(key, result);
    this.declaredServices = describeDeclarations(input, [...finished.values()]);
    return [...finished.values()].some((r) => r.outcome === 'succeeded');
  }

  /** After a withdrawal cancelled the run: its open requests close and their parties are told. */
  private async withdraw({ reason, by }: { reason: string; by?: Actor }): Promise<void> {
    const closed = 'This request is closed: the application was withdrawn.';
    // With transitions, decisions accepted before the withdrawal reach the database before their
    // requests are closed: this workflow records its own, the units' branches theirs as they end.
    if (this.transitions) {
      await this.transitions.salvage(closed);
      const stage = this.unitStage;
      if (stage) await condition(() => stage.ended());
    } else this.inbox.close(this.inbox.openRequestIds(), closed);
    await activities.withdrawApplication({ applicationId: this.applicationId, reason, by });
    this.state.status = 'withdrawn';
  }
}

function describeDeclarations(input: ApplicationInput, results: UnitResult[]): string {
  if (input.variant !== 'dedicated-zit-allocation') return '';
  const names = new Map(input.serviceCatalogue.map((s) => [s.code, s.name]));
  return results
    .filter((r) => r.outcome === 'succeeded' && r.declaredServices)
    .map((r) => `${r.name}: ${r.declaredServices!.map((c) => names.get(c) ?? c).join(', ')}`)
    .join('; ');
}
