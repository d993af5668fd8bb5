import { CancellationScope, condition, executeChild, isCancellation } from '@temporalio/workflow';
import type { ApplicationInput, UnitInput } from '../../domain/application-input';
import type { ScheduleUnit } from '../calendar/schedule';
import type { StageDefinition } from '../engine/definition';
import { waitingUnit, type UnitResult } from '../engine/state';
import { unitBranchWorkflowId } from '../ids';
import { unitBranchWorkflow } from '../unit-branch-workflow';
import type { UnitRoster } from './unit-roster';

export interface UnitStageContext {
  applicationId: string;
  input: ApplicationInput;
  scheduleUnit: ScheduleUnit;
  /** What units declared in earlier stages, for steps that sign it. */
  declaredServices: string;
  /** The engine the application began with (engine/lean-engine.ts), which its unit branches follow. */
  lean: boolean;
  withTransitions: boolean;
  roster: UnitRoster;
}

/** A per-unit stage while it runs: where units joining or leaving the application go. */
export interface RunningUnitStage {
  add(unit: UnitInput): void;
  remove(unitKey: string): void;
  /** Whether the unit's branch (without a key: every branch started) has ended, cancelled ones included. */
  ended(unitKey?: string): boolean;
}

/**
 * Runs a per-unit stage: one child workflow per unit, all at once; units added meanwhile start
 * theirs, removed ones are cancelled. Ends when every unit's branch has (a branch's failure fails
 * the stage); returns each unit's result. `running` is called once with the stage's handle.
 */
export async function runUnitStage(ctx: UnitStageContext, stage: StageDefinition, running: (stage: RunningUnitStage | null) => void): Promise<Map<string, UnitResult>> {
  const { applicationId, roster, lean } = ctx;
  const stageScope = CancellationScope.current();
  const scopes = new Map<string, CancellationScope>();
  const finished = new Map<string, UnitResult>();
  const ended = new Set<string>();
  let failure: Error | undefined;
  const start = (unit: UnitInput) => {
    const scope = new CancellationScope({ cancellable: true, parent: stageScope });
    scopes.set(unit.key, scope);
    // A lean branch reports nothing: its entry here only says where to query it.
    if (lean) roster.update(waitingUnit(unit, stage.id));
    scope
      .run(() =>
        executeChild(unitBranchWorkflow, {
          workflowId: unitBranchWorkflowId(applicationId, stage.id, unit.key),
          args: [
            {
              applicationId,
              input: ctx.input,
              stage,
              unit,
              declaredServices: ctx.declaredServices,
              scheduleUnit: ctx.scheduleUnit,
              ...(lean ? { lean } : {}),
              ...(ctx.withTransitions ? { transitions: true } : {}),
            },
          ],
        }),
      )
      .then(
        ({ state: final, ...result }) => {
          finished.set(unit.key, result);
          ended.add(unit.key);
          if (lean) roster.settle(unit.key, result, final);
        },
        (error: Error) => {
          ended.add(unit.key);
          if (roster.isRemoved(unit.key) && isCancellation(error)) finished.set(unit.key, { unitKey: unit.key, name: unit.name, outcome: 'removed', declaredServices: null });
          else failure ??= error;
        },
      );
  };
  running({
    add: start,
    remove: (key) => scopes.get(key)?.cancel(),
    ended: (key) => (key === undefined ? [...scopes.keys()].every((k) => ended.has(k)) : !scopes.has(key) || ended.has(key)),
  });
  roster.active().forEach(start);
  await condition(() => failure !== undefined || (roster.adding === 0 && [...scopes.keys()].every((k) => finished.has(k))));
  running(null);
  if (failure) throw failure;
  return finished;
}
