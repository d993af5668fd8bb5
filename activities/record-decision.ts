import type { RecordedDecision } from '../workflows/engine/state';
import { actor, appendAudit } from './audit';
import type { ActivityDeps } from './deps';

const statusOf = {
  approve: 'approved',
  reject: 'rejected',
  'request-changes': 'changes-requested',
  declare: 'declared',
  decline: 'declined',
} as const;

/** Makes an accepted decision durable: the request's status, form data and an audit record, once. */
export const recordDecision =
  ({ db }: ActivityDeps) =>
  async (d: RecordedDecision & { applicationId: string; unitKey: string | null }): Promise<void> => {
    const decidedAt = new Date(d.decidedAt);
    const formData = d.services ? { services: d.services } : undefined;
    await db.$transaction(async (tx) => {
      const request = await tx.approvalRequest.findUniqueOrThrow({ where: { id: d.requestId }, select: { partyRole: true } });
      await tx.approvalRequest.updateMany({
        where: { id: d.requestId, status: 'pending' },
        data: { status: statusOf[d.decision], comment: d.comment, decidedAt, late: d.late, formData },
      });
      await appendAudit(tx, [
        {
          idempotencyKey: `decision:${d.requestId}`,
          applicationId: d.applicationId,
          type: d.late ? 'approval.decided-late' : 'approval.decided',
          actor: actor.party(request.partyRole, d.partyEmail),
          data: { requestId: d.requestId, unitKey: d.unitKey, step: d.stepId, round: d.round, decision: d.decision, comment: d.comment, services: d.services, late: d.late },
          occurredAt: decidedAt,
        },
      ]);
    });
  };
