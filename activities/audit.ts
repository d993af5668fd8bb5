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

export const actor = {
  system: 'system',
  coordinator: (email: string) => `coordinator:${email}`,
  party: (role: string, email: string) => `${role}:${email}`,
};
