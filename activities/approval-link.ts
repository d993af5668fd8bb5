import { issueApprovalToken } from '../auth/approval-token';
import type { Prisma } from '../generated/prisma/client';
import { deadlineIcs } from '../mail/ics';
import type { RenderedEmail } from '../mail/templates';
import type { ActivityDeps } from './deps';

// A step that accepts late decisions keeps its links working this long past the deadline.
const LATE_LINK_DAYS = 90;

/** The deadline as a calendar attachment; the same UID per request, so reminders update one entry. */
export function withDeadlineIcs(email: RenderedEmail, request: { id: string; ask: string; deadline: Date }, stamp: Date): RenderedEmail {
  const ics = deadlineIcs({ uid: `${request.id}@k2flow`, summary: email.subject, description: request.ask, deadline: request.deadline, stamp });
  return { ...email, attachments: [{ filename: 'deadline.ics', content: ics, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }] };
}

export const linkExpiry = (deadline: Date, acceptsLate: boolean) =>
  acceptsLate ? new Date(deadline.getTime() + LATE_LINK_DAYS * 86_400_000) : deadline;

/**
 * Issues a fresh link for a request and revokes the earlier ones, inside `tx` (the transaction that
 * writes the email carrying it: enqueueEmail with `issuesLink`): called only when that email is
 * written, since only the hash is kept and the link cannot be re-read.
 */
export async function issueApprovalLink(
  tx: Prisma.TransactionClient,
  { clock, publicUrl }: Pick<ActivityDeps, 'clock' | 'publicUrl'>,
  request: { id: string; partyEmail: string; deadline: Date; acceptsLate: boolean },
): Promise<string> {
  const token = issueApprovalToken();
  await tx.approvalToken.updateMany({ where: { approvalRequestId: request.id, revokedAt: null }, data: { revokedAt: clock() } });
  await tx.approvalToken.create({
    data: { id: token.id, approvalRequestId: request.id, secretHash: token.secretHash, approverEmail: request.partyEmail, expiresAt: linkExpiry(request.deadline, request.acceptsLate) },
  });
  return `${publicUrl}/approvals/${token.token}`;
}
