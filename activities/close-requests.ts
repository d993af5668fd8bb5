import type { Prisma } from '../generated/prisma/client';
import { renderEmail } from '../mail/templates';
import { actor, appendAudit } from './audit';
import { deliverEmail } from './deliver-email';
import type { ActivityDeps } from './deps';

export type ClosedStatus = 'expired' | 'closed' | 'withdrawn' | 'removed';

/**
 * Closes the pending requests that match `where`, remembering why (an approver opening the link
 * later reads the reason), and with `notify` emails each party that the link no longer counts.
 */
export async function closePendingRequests(
  deps: ActivityDeps,
  where: Prisma.ApprovalRequestWhereInput & { applicationId: string },
  status: ClosedStatus,
  reason: string,
  notify: boolean,
  /** The coordinator's own words, quoted in the notice beside the localised reason. */
  detail = '',
): Promise<void> {
  const { db, clock } = deps;
  const pending = await db.approvalRequest.findMany({
    where: { ...where, status: 'pending' },
    select: { id: true, partyName: true, partyEmail: true, partyLanguage: true, ask: true, application: { select: { title: true } } },
  });
  const now = clock();
  await db.$transaction(async (tx) => {
    await tx.approvalRequest.updateMany({ where: { id: { in: pending.map((r) => r.id) }, status: 'pending' }, data: { status, closedReason: reason } });
    await appendAudit(
      tx,
      pending.map((r) => ({
        idempotencyKey: `request-closed:${r.id}`,
        applicationId: where.applicationId,
        type: 'approval.closed',
        actor: actor.system,
        data: { requestId: r.id, status, reason },
        occurredAt: now,
      })),
    );
  });
  if (!notify) return;
  for (const r of pending) {
    await deliverEmail(deps, {
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
  async (c: { applicationId: string; requestIds: string[]; status: 'expired' | 'closed'; reason: string }): Promise<void> =>
    closePendingRequests(deps, { applicationId: c.applicationId, id: { in: c.requestIds } }, c.status, c.reason, false);
