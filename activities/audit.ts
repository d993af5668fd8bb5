import type { Prisma } from '../generated/prisma/client';
import type { Db } from '../db/prisma-client';

export interface AuditInput {
  /** Names the logical event, so a retried activity writes it once. */
  idempotencyKey: string;
  applicationId: string;
  type: string;
  actor: string;
  data: Prisma.InputJsonValue;
  occurredAt: Date;
}

/** Appends audit events; ones already written under the same key are skipped, not duplicated. */
export async function appendAudit(db: Db | Prisma.TransactionClient, events: AuditInput[]): Promise<void> {
  await db.auditEvent.createMany({ data: events, skipDuplicates: true });
}

/** The audit actor for the coordinator of an application (the one who can act on it). */
export const coordinatorOf = async ({ db }: { db: Db }, applicationId: string) =>
  actor.coordinator((await db.application.findUniqueOrThrow({ where: { id: applicationId }, select: { coordinatorEmail: true } })).coordinatorEmail);

export const actor = {
  system: 'system',
  coordinator: (email: string) => `coordinator:${email}`,
  party: (role: string, email: string) => `${role}:${email}`,
};
