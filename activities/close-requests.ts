import type { Prisma } from '../generated/prisma/client';
import { renderEmail } from '../mail/templates';
import { actor, inTransaction, type Recorded } from './audit';
import { enqueueEmail } from './enqueue-email';
import type { ActivityDeps } from './deps';

export type ClosedStatus = 'expired' | 'closed' | 'withdrawn' | 'removed';

type RequestsOf = Prisma.ApprovalRequestWhereInput & { applicationId: string };

/**
 * Closes, inside the transaction, the requests matching `where` that are still pending, remembering why (an
 * approver opening the link later reads the reason), and audits each one it closed. The guard
 * (`status: 'pending'`) is the UPDATE's own WHERE, so a decision committed concurrently is seen:
 * its request is left decided and gets no 'approval.closed'. Returns the ids it closed (none on a
 * retry after an earlier attempt committed).
 */
export async function closePendingIn({ tx, audit }: Recorded, where: RequestsOf, status: ClosedStatus, reason: string, now: Date): Promise<string[]> {
  const closed = await tx.approvalRequest.updateManyAndReturn({ where: { ...where, status: 'pending' }, data: { status, closedReason: reason }, select: { id: true } });
  audit.push(
    ...closed.map((r) => ({
      idempotencyKey: `request-closed:${r.id}`,
      applicationId: where.applicationId,
      type: 'approval.closed',
      actor: actor.system,
      data: { requestId: r.id, status, reason },
      occurredAt: now,
    })),
  );
  return closed.map((r) => r.id);
}

/**
 * Emails each party whose request matching `where` was closed with this status and reason that
 * the link no longer counts. Read from what the database holds, not from what this attempt
 * changed, so a retry after the closing committed still sends the notices (once each: they
 * carry the request's idempotency key).
 */
export async function notifyClosedRequests(
  deps: ActivityDeps,
  where: RequestsOf,
  status: ClosedStatus,
  reason: string,
  /** The coordinator's own words, quoted in the notice beside the localised reason. */
  detail = '',
): Promise<void> {
  const closed = await deps.db.approvalRequest.findMany({
    where: { ...where, status, closedReason: reason },
    select: { id: true, partyName: true, partyEmail: true, partyLanguage: true, ask: true, application: { select: { title: true } } },
    orderBy: { id: 'asc' },
  });
  for (const r of closed) {
    await enqueueEmail(deps, {
      idempotencyKey: `request-closed:${r.id}`,
      applicationId: where.applicationId,
      template: 'request-closed',
      to: r.partyEmail,
      render: async () =>
        renderEmail('request-closed', { partyName: r.partyName, applicationTitle: r.application.title, ask: r.ask, status, detail: detail || reason }, r.partyLanguage as 'pl' | 'en'),
    });
  }
}

/**
 * Closes requests a step no longer needs: its deadline passed, or its verdict came without them.
 * Their parties are not emailed: the step's outcome already reached whoever must act on it.
 */
export const closeApprovalRequests =
  (deps: ActivityDeps) =>
  async (c: { applicationId: string; requestIds: string[]; status: 'expired' | 'closed'; reason: string }): Promise<void> => {
    const now = deps.clock();
    await inTransaction(deps, (r) => closePendingIn(r, { applicationId: c.applicationId, id: { in: c.requestIds } }, c.status, c.reason, now));
  };
