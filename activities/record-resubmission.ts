import { actor, appendAudit } from './audit';
import type { ActivityDeps } from './deps';

/** Audits the coordinator's resubmission of a unit after changes were requested. */
export const recordResubmission =
  ({ db, clock }: ActivityDeps) =>
  async ({ applicationId, unitKey, round, note }: { applicationId: string; unitKey: string; round: number; note: string | null }): Promise<void> => {
    const app = await db.application.findUniqueOrThrow({ where: { id: applicationId }, select: { coordinatorEmail: true } });
    await appendAudit(db, [
      {
        idempotencyKey: `resubmitted:${applicationId}:${unitKey}:${round}`,
        applicationId,
        type: 'unit.resubmitted',
        actor: actor.coordinator(app.coordinatorEmail),
        data: { unitKey, round, note },
        occurredAt: clock(),
      },
    ]);
  };
