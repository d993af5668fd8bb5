import type { ApplicationInput } from '../domain/application-input';
import type { Actor } from '../domain/actor';
import { actor, appendAudit, userFields } from './audit';
import type { ActivityDeps } from './deps';
import { recordStage } from './lifecycle';

export interface ApplicationStart {
  applicationId: string;
  input: ApplicationInput;
  definitionVersion: number;
  office?: string | null;
  startedBy?: Actor;
  /** The stage it enters first, recorded here rather than by a recordStage of its own (one activity fewer). */
  firstStage?: { stageId: string; stageName: string };
}

/** Persists a new application and its units. Safe to retry: existing rows are left as they are. */
export const recordApplicationStarted = (deps: ActivityDeps) => {
  const enterStage = recordStage(deps);
  return async (start: ApplicationStart): Promise<void> => {
    await persistApplication(deps, start);
    if (start.firstStage) await enterStage({ applicationId: start.applicationId, ...start.firstStage });
  };
};

async function persistApplication({ db, clock }: ActivityDeps, { applicationId, input, definitionVersion, office, startedBy }: ApplicationStart): Promise<void> {
  const now = clock();
  await db.$transaction(async (tx) => {
    const { count } = await tx.application.createMany({
      data: [
        {
          id: applicationId,
          variant: input.variant,
          title: input.title,
          status: 'collecting-sign-offs',
          coordinatorName: input.coordinator.name,
          coordinatorEmail: input.coordinator.email,
          input,
          definitionVersion,
          office: office ?? null,
          startedById: startedBy?.userId ?? null,
          createdAt: now,
        },
      ],
      skipDuplicates: true,
    });
    // Already there (a retry after the first attempt committed): nothing new to record.
    if (count === 0) return;
    await tx.applicationUnit.createMany({
      data: input.units.map((u) => ({
        applicationId,
        unitKey: u.key,
        name: u.name,
        projectReference: u.projectReference,
        approverName: u.approver.name,
        approverEmail: u.approver.email,
        status: 'waiting',
      })),
      skipDuplicates: true,
    });
    await appendAudit(tx, [
      {
        idempotencyKey: `application-started:${applicationId}`,
        applicationId,
        type: 'application.started',
        ...(startedBy ? userFields(startedBy) : { actor: actor.coordinator(input.coordinator.email) }),
        data: { variant: input.variant, definitionVersion, title: input.title, units: input.units.map((u) => u.key), deadlines: input.deadlines },
        occurredAt: now,
      },
    ]);
  });
}
