import { actor, appendAudit } from './audit';
import type { ActivityDeps } from './deps';

/** Closes a request whose deadline passed without a decision; its links stop working. */
export const expireApprovalRequest =
  ({ db, clock }: ActivityDeps) =>
  async ({ applicationId, requestId }: { applicationId: string; requestId: string }): Promise<void> => {
    const now = clock();
    await db.$transaction(async (tx) => {
      await tx.approvalRequest.updateMany({ where: { id: requestId, status: 'pending' }, data: { status: 'expired' } });
      await tx.approvalToken.updateMany({ where: { approvalRequestId: requestId, revokedAt: null }, data: { revokedAt: now } });
      await appendAudit(tx, [
        { idempotencyKey: `request-expired:${requestId}`, applicationId, type: 'approval.expired', actor: actor.system, data: { requestId }, occurredAt: now },
      ]);
    });
  };
