import { renderEmail } from '../mail/templates';
import type { ApplicationStatus, UnitResult } from '../workflows/engine/state';
import { actor, appendAudit } from './audit';
import { enqueueEmail } from './enqueue-email';
import type { ActivityDeps } from './deps';
import { recordStageCompleted, type StageCompletion } from './lifecycle';
import { applicationPageUrl } from './application-page';

export interface ApplicationEnd {
  applicationId: string;
  status: ApplicationStatus;
  units: UnitResult[];
  /** How its last stage ended, recorded here rather than by a recordStageCompleted of its own (one activity fewer). */
  lastStage?: StageCompletion;
}

/** Records the application's end state and reports it to the coordinator. */
export const closeApplication = (deps: ActivityDeps) => {
  const completeStage = recordStageCompleted(deps);
  return async (end: ApplicationEnd): Promise<void> => {
    if (end.lastStage) await completeStage(end.lastStage);
    await persistClosing(deps, end);
  };
};

async function persistClosing(deps: ActivityDeps, { applicationId, status, units }: ApplicationEnd): Promise<void> {
  const { db, clock } = deps;
  const now = clock();
  const app = await db.$transaction(async (tx) => {
    // Closed once: a retry after the first attempt committed changes (and records) nothing.
    const { count } = await tx.application.updateMany({ where: { id: applicationId, closedAt: null }, data: { status, closedAt: now } });
    if (count === 1) {
      await appendAudit(tx, [
        {
          idempotencyKey: `application-closed:${applicationId}`,
          applicationId,
          type: 'application.closed',
          actor: actor.system,
          data: { status, units: units.map((u) => ({ unitKey: u.unitKey, outcome: u.outcome, declaredServices: u.declaredServices })) },
          occurredAt: now,
        },
      ]);
    }
    return tx.application.findUniqueOrThrow({ where: { id: applicationId }, select: { title: true, coordinatorName: true, coordinatorEmail: true, input: true } });
  });
  await enqueueEmail(deps, {
    idempotencyKey: `application-closed:${applicationId}`,
    applicationId,
    template: 'application-closed',
    to: app.coordinatorEmail,
    render: async () =>
      renderEmail('application-closed', {
        coordinatorName: app.coordinatorName,
        applicationTitle: app.title,
        status,
        units: units.map((u) => ({ name: u.name, outcome: u.outcome })),
        page: applicationPageUrl(deps.publicUrl, applicationId),
      }, (app.input as { coordinator?: { language?: 'pl' | 'en' } }).coordinator?.language ?? 'pl'),
  });
}
