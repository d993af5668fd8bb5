import { renderEmail } from '../mail/templates';
import { issueApprovalLink, withDeadlineIcs } from './approval-link';
import { actor, inTransaction, PATIENT, type Recorded } from './audit';
import { queueEmailIn } from './enqueue-email';
import type { ActivityDeps } from './deps';

export interface OpenApprovalRequestInput {
  requestId: string;
  applicationId: string;
  applicationTitle: string;
  unitKey: string | null;
  unitName: string | null;
  stepId: string;
  kind: 'sign-off' | 'declaration';
  ask: string;
  round: number;
  workflowId: string;
  partyRole: string;
  partyName: string;
  partyEmail: string;
  partyLanguage: 'pl' | 'en';
  deadline: string;
  acceptsLate: boolean;
  previousComment?: string;
}

/**
 * Records an approval request and emails its party a personal link, in one transaction: the
 * link's token is issued with the email that carries it, once (a retry finds both written), and
 * revokes any earlier token, so at most one link per request works at any time.
 */
export const openApprovalRequest =
  (deps: ActivityDeps) =>
  async (req: OpenApprovalRequestInput): Promise<void> => {
    await inTransaction(deps, (r) => openApprovalRequestIn(r, deps, req), PATIENT);
  };

/** openApprovalRequest inside the caller's transaction. */
export async function openApprovalRequestIn(r: Recorded, deps: ActivityDeps, req: OpenApprovalRequestInput): Promise<void> {
  const { tx } = r;
  const now = deps.clock();
  const deadline = new Date(req.deadline);
  const { count } = await tx.approvalRequest.createMany({
    data: [
      {
        id: req.requestId,
        applicationId: req.applicationId,
        unitKey: req.unitKey,
        step: req.stepId,
        kind: req.kind,
        ask: req.ask,
        round: req.round,
        workflowId: req.workflowId,
        partyRole: req.partyRole,
        partyName: req.partyName,
        partyEmail: req.partyEmail,
        partyLanguage: req.partyLanguage,
        status: 'pending',
        acceptsLate: req.acceptsLate,
        deadline,
        createdAt: now,
      },
    ],
    skipDuplicates: true,
  });
  // The request, its link and its email commit together (one transaction, not three).
  const created = count === 1;
  await queueEmailIn(r, deps, {
    idempotencyKey: `approval-request:${req.requestId}`,
    applicationId: req.applicationId,
    template: 'approval-request',
    to: req.partyEmail,
    issuesLink: true,
    keyIsNew: created,
    render: async () => {
      const link = await issueApprovalLink(tx, deps, { id: req.requestId, partyEmail: req.partyEmail, deadline, acceptsLate: req.acceptsLate }, { first: created });
      const email = renderEmail(
        'approval-request',
        {
          partyName: req.partyName,
          applicationTitle: req.applicationTitle,
          subject: req.unitName ?? req.applicationTitle,
          what: req.ask,
          deadline: req.deadline,
          link,
          previousComment: req.previousComment,
        },
        req.partyLanguage,
      );
      return withDeadlineIcs(email, { id: req.requestId, ask: req.ask, deadline }, deps.clock());
    },
  });
  // Not there before (a retry after the first attempt committed finds it): audit it.
  if (created) {
    r.audit.push({
      idempotencyKey: `approval-requested:${req.requestId}`,
      applicationId: req.applicationId,
      type: 'approval.requested',
      actor: actor.system,
      data: { requestId: req.requestId, unitKey: req.unitKey, step: req.stepId, round: req.round, party: req.partyEmail, role: req.partyRole, deadline: req.deadline },
      occurredAt: now,
    });
  }
}
