import { issueApprovalToken } from '../auth/approval-token';
import type { ActivityDeps } from './deps';

// A step that accepts late decisions keeps its links working this long past the deadline.
const LATE_LINK_DAYS = 90;

export const linkExpiry = (deadline: Date, acceptsLate: boolean) =>
  acceptsLate ? new Date(deadline.getTime() + LATE_LINK_DAYS * 86_400_000) : deadline;

/**
 * Issues a fresh link for a request and revokes the earlier ones: called only when an email
 * carrying it is about to be sent, since only the hash is kept and the link cannot be re-read.
 */
export async function issueApprovalLink(
  { db, clock, publicUrl }: ActivityDeps,
  request: { id: string; partyEmail: string; deadline: Date; acceptsLate: boolean },
): Promise<string> {
  const token = issueApprovalToken();
  await db.$transaction([
    db.approvalToken.updateMany({ where: { approvalRequestId: request.id, revokedAt: null }, data: { revokedAt: clock() } }),
    db.approvalToken.create({
      data: { id: token.id, approvalRequestId: request.id, secretHash: token.secretHash, approverEmail: request.partyEmail, expiresAt: linkExpiry(request.deadline, request.acceptsLate) },
    }),
  ]);
  return `${publicUrl}/approvals/${token.token}`;
}
