import type { UnitStatus } from '../workflows/unit-transitions';
import { actor, appendAudit } from './audit';
import type { ActivityDeps } from './deps';

/** Records a unit's new status; one audit record per status and round. */
export const recordUnitStatus =
  ({ db, clock }: ActivityDeps) =>
  async ({ applicationId, unitKey, status, round }: { applicationId: string; unitKey: string; status: UnitStatus; round: number }): Promise<void> => {
    const now = clock();
    await db.$transaction(async (tx) => {
      await tx.applicationUnit.update({ where: { applicationId_unitKey: { applicationId, unitKey } }, data: { status } });
      await appendAudit(tx, [
        {
          idempotencyKey: `unit-status:${applicationId}:${unitKey}:${round}:${status}`,
          applicationId,
          type: 'unit.status-changed',
          actor: actor.system,
          data: { unitKey, status, round },
          occurredAt: now,
        },
      ]);
    });
  };
