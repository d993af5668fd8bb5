import type { ChangeMade } from '../workflows/messages';
import type { UnitInput } from '../domain/application-input';
import type { BranchStatus } from '../workflows/engine/state';
import type { Actor } from '../domain/actor';
import { actedBy, actor, appendAudit, inTransaction, type Recorded } from './audit';
import { closePendingIn, notifyClosedRequests } from './close-requests';
import type { ActivityDeps } from './deps';

/** Records the stage an application entered. */
export const recordStage =
  ({ db, clock }: ActivityDeps) =>
  async ({ applicationId, stageId, stageName }: { applicationId: string; stageId: string; stageName: string }): Promise<void> => {
    await db.$transaction(async (tx) => {
      await tx.application.update({ where: { id: applicationId }, data: { stage: stageId } });
      await appendAudit(tx, [
        { idempotencyKey: `stage:${applicationId}:${stageId}`, applicationId, type: 'application.stage-entered', actor: actor.system, data: { stageId, stageName }, occurredAt: clock() },
      ]);
    });
  };

export interface StageCompletion {
  applicationId: string;
  stageId: string;
  succeeded: boolean;
  units: Array<{ unitKey: string; outcome: string }>;
}

/** Records how a stage ended: whether it succeeded and, for a per-unit stage, each unit's outcome. */
export const recordStageCompleted =
  ({ db, clock }: ActivityDeps) =>
  async (c: StageCompletion): Promise<void> => {
    await appendAudit(db, [
      {
        idempotencyKey: `stage-completed:${c.applicationId}:${c.stageId}`,
        applicationId: c.applicationId,
        type: 'application.stage-completed',
        actor: actor.system,
        data: { stageId: c.stageId, succeeded: c.succeeded, units: c.units },
        occurredAt: clock(),
      },
    ]);
  };

/** Records a branch's new status (a unit's, or the application's own steps when unitKey is null). */
export const recordBranchStatus = (deps: ActivityDeps) => (b: BranchStatusChange) => inTransaction(deps, (r) => recordBranchStatusIn(r, deps, b));

export interface BranchStatusChange {
  applicationId: string;
  unitKey: string | null;
  status: BranchStatus;
  stepId: string | null;
  round: number;
}

/** recordBranchStatus inside the caller's transaction. */
export async function recordBranchStatusIn({ tx, audit }: Recorded, { clock }: ActivityDeps, b: BranchStatusChange): Promise<void> {
  const label = b.status === 'in-progress' && b.stepId ? `awaiting:${b.stepId}` : b.status;
  if (b.unitKey) await tx.applicationUnit.update({ where: { applicationId_unitKey: { applicationId: b.applicationId, unitKey: b.unitKey } }, data: { status: label } });
  audit.push({
    idempotencyKey: `branch-status:${b.applicationId}:${b.unitKey ?? '-'}:${b.round}:${label}`,
    applicationId: b.applicationId,
    type: b.unitKey ? 'unit.status-changed' : 'application.steps-status-changed',
    actor: actor.system,
    data: { unitKey: b.unitKey, status: label, round: b.round },
    occurredAt: clock(),
  });
}

/** Audits the coordinator's resubmission after changes were requested. */
export const recordResubmission =
  (deps: ActivityDeps) =>
  async ({ applicationId, unitKey, round, note, by, changes }: { applicationId: string; unitKey: string | null; round: number; note: string | null; by?: Actor; changes?: ChangeMade[] }): Promise<void> => {
    const who = await actedBy(deps, applicationId, by);
    await deps.db.$transaction(async (tx) => {
      // The unit's record follows a changed project reference; the trail keeps what it was.
      for (const c of changes ?? []) {
        if (c.field === 'projectReference' && c.unitKey) await tx.applicationUnit.updateMany({ where: { applicationId, unitKey: c.unitKey }, data: { projectReference: c.after as string } });
      }
      await appendAudit(tx, [
        {
          idempotencyKey: `resubmitted:${applicationId}:${unitKey ?? '-'}:${round}`,
          applicationId,
          type: 'resubmitted',
          ...who,
          data: { unitKey, round, note, ...(changes?.length ? { changes: changes.map((c) => ({ ...c })) } : {}) },
          occurredAt: deps.clock(),
        },
      ]);
    });
  };

/** Adds a unit to a running application. */
export const recordUnitAdded =
  (deps: ActivityDeps) =>
  async ({ applicationId, unit, by: actor }: { applicationId: string; unit: UnitInput; by?: Actor }): Promise<void> => {
    const by = await actedBy(deps, applicationId, actor);
    await deps.db.$transaction(async (tx) => {
      const { count } = await tx.applicationUnit.createMany({
        data: [{ applicationId, unitKey: unit.key, name: unit.name, projectReference: unit.projectReference, approverName: unit.approver.name, approverEmail: unit.approver.email, status: 'waiting' }],
        skipDuplicates: true,
      });
      // Nothing added (a retry after the first attempt committed): nothing to record.
      if (count === 0) return;
      await appendAudit(tx, [{ idempotencyKey: `unit-added:${applicationId}:${unit.key}`, applicationId, type: 'unit.added', ...by, data: { unit }, occurredAt: deps.clock() }]);
    });
  };

/** Removes a unit: its pending requests close and their parties are told. */
export const recordUnitRemoved =
  (deps: ActivityDeps) =>
  async ({ applicationId, unitKey, reason, by: actor }: { applicationId: string; unitKey: string; reason: string; by?: Actor }): Promise<void> => {
    const by = await actedBy(deps, applicationId, actor);
    const closedReason = `The unit was removed from the application: ${reason}`;
    const now = deps.clock();
    await inTransaction(deps, async (r) => {
      await closePendingIn(r, { applicationId, unitKey }, 'removed', closedReason, now);
      await r.tx.applicationUnit.update({ where: { applicationId_unitKey: { applicationId, unitKey } }, data: { status: 'removed' } });
      r.audit.push({ idempotencyKey: `unit-removed:${applicationId}:${unitKey}`, applicationId, type: 'unit.removed', ...by, data: { unitKey, reason }, occurredAt: now });
    });
    await notifyClosedRequests(deps, { applicationId, unitKey }, 'removed', closedReason, reason);
  };

/** Withdraws an application: every pending request closes and its party is told. */
export const withdrawApplication =
  (deps: ActivityDeps) =>
  async ({ applicationId, reason, by: actor }: { applicationId: string; reason: string; by?: Actor }): Promise<void> => {
    const by = await actedBy(deps, applicationId, actor);
    const closedReason = `The application was withdrawn: ${reason}`;
    const now = deps.clock();
    await inTransaction(deps, async (r) => {
      await closePendingIn(r, { applicationId }, 'withdrawn', closedReason, now);
      r.audit.push({ idempotencyKey: `withdrawn:${applicationId}`, applicationId, type: 'application.withdrawn', ...by, data: { reason }, occurredAt: now });
    });
    await notifyClosedRequests(deps, { applicationId }, 'withdrawn', closedReason, reason);
  };
