import type { Client } from '@temporalio/client';
import { isBranchOutcome, type ApplicationState, type UnitState } from '../../workflows/engine/state';
import { unitBranchWorkflowId } from '../../workflows/ids';
import { applicationStateQuery, unitStateQuery } from '../../workflows/messages';
import { waitingFor } from '../../workflows/waiting-for';

/**
 * An application's live state: its workflow's, with each running unit's as that unit's branch
 * workflow holds it. Branches of the lean engine report nothing to their application (each report was a
 * signal, a workflow task and five history events), so their state is read here, in parallel. A
 * branch that cannot answer keeps the application's own line for it.
 */
export async function queryApplicationState(temporal: Client, applicationId: string): Promise<ApplicationState> {
  return withLiveUnits(temporal, applicationId, await temporal.workflow.getHandle(applicationId).query(applicationStateQuery));
}

/** `state` as the application workflow gave it (a query's or an update's answer), with its running units' own states. */
export async function withLiveUnits(temporal: Client, applicationId: string, state: ApplicationState): Promise<ApplicationState> {
  const units = await Promise.all(
    state.units.map(async (unit): Promise<UnitState> => {
      // A finished unit's state is the application's own (reported, or returned by its branch).
      if (!unit.stageId || isBranchOutcome(unit.status)) return unit;
      try {
        return await temporal.workflow.getHandle(unitBranchWorkflowId(applicationId, unit.stageId, unit.unitKey)).query(unitStateQuery);
      } catch {
        return unit;
      }
    }),
  );
  return { ...state, units, waitingFor: waitingFor(state.steps, units) };
}
