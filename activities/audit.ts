import type { Prisma } from '../generated/prisma/client';
import type { Db } from '../db/prisma-client';
import type { Actor } from '../domain/actor';

export interface AuditInput {
  /** Names the logical event, so a retried activity writes it once. */
  idempotencyKey: string;
  applicationId: string;
  type: string;
  actor: string;
  actorName?: string | null;
  authMethod?: string | null;
  requestId?: string | null;
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

type ActorFields = Pick<AuditInput, 'actor' | 'actorName' | 'authMethod' | 'requestId'>;

/**
 * The audit fields of a coordinator's action: the signed-in person who asked for it, or (for
 * actions sent before sign-in existed) the application's coordinator contact.
 */
export async function actedBy(deps: { db: Db }, applicationId: string, by: Actor | undefined): Promise<ActorFields> {
  return by ? userFields(by) : { actor: await coordinatorOf(deps, applicationId) };
}

export const userFields = (by: Actor): ActorFields => ({ actor: actor.user(by.userId), actorName: by.name, authMethod: by.via, requestId: by.requestId });

export const actor = {
  system: 'system',
  /** Someone who presented an approval link without its secret: not its party. */
  anonymous: 'anonymous',
  coordinator: (email: string) => `coordinator:${email}`,
  user: (userId: string) => `user:${userId}`,
  party: (role: string, email: string) => `${role}:${email}`,
};
