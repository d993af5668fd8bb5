import type { RecordedDecision } from '../workflows/messages';
import { actor, appendAudit } from './audit';
import type { ActivityDeps } from './deps';

const statusOf = { approve: 'approved', reject: 'rejected', 'request-changes': 'changes-requested' } as const;

/** Makes an accepted decision durable: the request's status and an audit record, once. */
export const recordDecision =
  ({ db }: ActivityDeps) =>
  async (d: RecordedDecision & { applicationId: string; unitKey: string }): Promise<void> => {
    const decidedAt = new Date(d.decidedAt);
    await db.$transaction(async (tx) => {
      await tx.approvalRequest.updateMany({
        where: { id: d.requestId, status: 'pending' },
        data: { status: statusOf[d.decision], comment: d.comment, decidedAt },
      });
      await appendAudit(tx, [
        {
          idempotencyKey: `decision:${d.requestId}`,
          applicationId: d.applicationId,
          type: 'approval.decided',
          actor: actor.party(d.step === 'coordinator-review' ? 'coordinator' : 'unit-approver', d.partyEmail),
          data: { requestId: d.requestId, unitKey: d.unitKey, step: d.step, round: d.round, decision: d.decision, comment: d.comment },
          occurredAt: decidedAt,
        },
      ]);
    });
  };
