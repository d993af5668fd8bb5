import { allHandlersFinished, condition, executeChild, setHandler } from '@temporalio/workflow';
import type { ApplicationInput } from '../domain/application-input';
import { activities } from './activities-proxy';
import {
  applicationStateQuery,
  unitProgressSignal,
  type ApplicationResult,
  type ApplicationState,
  type UnitState,
} from './messages';
import { unitBranchWorkflowId } from './ids';
import { unitBranchWorkflow } from './unit-branch-workflow';
import { applicationOutcome } from './unit-transitions';

export interface ApplicationWorkflowInput {
  applicationId: string;
  input: ApplicationInput;
}

/**
 * One joint funding application (variant 1, "module in existing projects"): persists it, runs
 * one child workflow per unit in parallel, and completes with status "approved" when at least
 * one unit's module was approved, "failed" when none remains. Query `applicationState` at any time.
 */
export async function applicationWorkflow({ applicationId, input }: ApplicationWorkflowInput): Promise<ApplicationResult> {
  const units = new Map<string, UnitState>(
    input.units.map((u) => [
      u.key,
      { unitKey: u.key, name: u.name, status: 'awaiting-confirmation', round: 1, openRequest: null, decisions: [] },
    ]),
  );
  const state: ApplicationState = {
    applicationId,
    variant: input.variant,
    title: input.title,
    status: 'collecting-sign-offs',
    units: [],
    waitingFor: [],
  };
  const snapshot = (): ApplicationState => {
    const list = [...units.values()];
    return {
      ...state,
      units: list,
      waitingFor: list.flatMap((u) => {
        if (u.openRequest) return [`${u.unitKey}: ${u.openRequest.partyRole} ${u.openRequest.partyEmail} (${u.openRequest.step})`];
        if (u.status === 'changes-requested') return [`${u.unitKey}: coordinator resubmission`];
        return [];
      }),
    };
  };
  setHandler(applicationStateQuery, snapshot);
  setHandler(unitProgressSignal, (unit) => {
    units.set(unit.unitKey, unit);
  });

  await activities.recordApplicationStarted({ applicationId, input });
  const results = await Promise.all(
    input.units.map((unit) =>
      executeChild(unitBranchWorkflow, {
        workflowId: unitBranchWorkflowId(applicationId, unit.key),
        args: [{ applicationId, title: input.title, coordinator: input.coordinator, deadlines: input.deadlines, unit }],
      }),
    ),
  );
  state.status = applicationOutcome(results.map((r) => r.outcome));
  await activities.closeApplication({ applicationId, status: state.status, units: results });
  await condition(allHandlersFinished);
  return { applicationId, status: state.status, units: results };
}
