import { issueApprovalToken } from '../auth/approval-token';
import { renderEmail } from '../mail/templates';
import type { OpenRequest } from '../workflows/messages';
import { stepDescription } from '../workflows/unit-transitions';
import { actor, appendAudit } from './audit';
import { deliverEmail } from './deliver-email';
import type { ActivityDeps } from './deps';

export interface OpenApprovalRequestInput extends OpenRequest {
  applicationId: string;
  unitKey: string;
  workflowId: string;
  applicationTitle: string;
  unitName: string;
  projectReference: string;
  previousComment?: string;
}

/**
 * Records an approval request and emails its party a personal link. The link's token is issued
 * only when the email is really sent; a resend (after a failed attempt) revokes the earlier
 * token, so at most one link per request works at any time.
 */
export const openApprovalRequest =
  (deps: ActivityDeps) =>
  async (req: OpenApprovalRequestInput): Promise<void> => {
    const { db, clock, publicUrl } = deps;
    const now = clock();
    const deadline = new Date(req.deadline);
    await db.$transaction(async (tx) => {
      await tx.approvalRequest.createMany({
        data: [
          {
            id: req.requestId,
            applicationId: req.applicationId,
            unitKey: req.unitKey,
            step: req.step,
            round: req.round,
            workflowId: req.workflowId,
            partyRole: req.partyRole,
            partyName: req.partyName,
            partyEmail: req.partyEmail,
            status: 'pending',
            deadline,
            createdAt: now,
          },
        ],
        skipDuplicates: true,
      });
      await appendAudit(tx, [
        {
          idempotencyKey: `approval-requested:${req.requestId}`,
          applicationId: req.applicationId,
          type: 'approval.requested',
          actor: actor.system,
          data: { requestId: req.requestId, unitKey: req.unitKey, step: req.step, round: req.round, party: req.partyEmail, role: req.partyRole, deadline: req.deadline },
          occurredAt: now,
        },
      ]);
    });

    await deliverEmail(deps, {
      idempotencyKey: `approval-request:${req.requestId}`,
      applicationId: req.applicationId,
      template: 'approval-request',
      to: req.partyEmail,
      render: async () => {
        const token = issueApprovalToken();
        await db.$transaction([
          db.approvalToken.updateMany({ where: { approvalRequestId: req.requestId, revokedAt: null }, data: { revokedAt: clock() } }),
          db.approvalToken.create({
            data: { id: token.id, approvalRequestId: req.requestId, secretHash: token.secretHash, approverEmail: req.partyEmail, expiresAt: deadline },
          }),
        ]);
        return renderEmail('approval-request', {
          partyName: req.partyName,
          applicationTitle: req.applicationTitle,
          unitName: req.unitName,
          what: stepDescription(req.step, req.projectReference),
          deadline: req.deadline,
          link: `${publicUrl}/approvals/${token.token}`,
          previousComment: req.previousComment,
        });
      },
    });
  };
