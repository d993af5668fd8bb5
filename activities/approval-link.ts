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

/** A deputy's link expires with the party's, or at the end of their deputyship if that comes first. */
export const capped = (expiry: Date, until: Date | null) => (until && until < expiry ? until : expiry);

/** Moves a request's working links to a new deadline (an extension); a deputy's stays within their deputyship. */
export async function moveLinkExpiry(tx: Prisma.TransactionClient, request: { id: string; acceptsLate: boolean }, deadline: Date): Promise<void> {
  const expiry = linkExpiry(deadline, request.acceptsLate);
  await tx.approvalToken.updateMany({ where: { approvalRequestId: request.id, revokedAt: null, onBehalf: false }, data: { expiresAt: expiry } });
  const deputies = await tx.approvalToken.findMany({ where: { approvalRequestId: request.id, revokedAt: null, onBehalf: true }, select: { id: true, holderUntil: true } });
  for (const d of deputies) await tx.approvalToken.update({ where: { id: d.id }, data: { expiresAt: capped(expiry, d.holderUntil) } });
}

/**
 * Issues a fresh link for a request and revokes the earlier ones, inside `tx` (the transaction that
 * writes the email carrying it: enqueueEmail with `issuesLink`): called only when that email is
 * written, since only the hash is kept and the link cannot be re-read.
 */
export async function issueApprovalLink(
  tx: Prisma.TransactionClient,
  { clock, publicUrl }: Pick<ActivityDeps, 'clock' | 'publicUrl'>,
  request: { id: string; partyEmail: string; deadline: Date; acceptsLate: boolean },
  /** The request was created in this transaction: it has no earlier link to revoke. */
  { first = false }: { first?: boolean } = {},
): Promise<string> {
  const token = issueApprovalToken();
  // A deputy's link is theirs: the party's new link (a reminder's) leaves it working.
  if (!first) await tx.approvalToken.updateMany({ where: { approvalRequestId: request.id, revokedAt: null, onBehalf: false }, data: { revokedAt: clock() } });
  await tx.approvalToken.create({
    data: { id: token.id, approvalRequestId: request.id, secretHash: token.secretHash, approverEmail: request.partyEmail, expiresAt: linkExpiry(request.deadline, request.acceptsLate) },
  });
  return `${publicUrl}/approvals/${token.token}`;
}

/**
 * Issues a deputy's own link for a request, revoking an earlier deputy's (one deputy per request at
 * a time); it expires with the request's link, or sooner when the deputy is named only until a date.
 */
export async function issueDeputyLink(
  tx: Prisma.TransactionClient,
  { clock, publicUrl }: Pick<ActivityDeps, 'clock' | 'publicUrl'>,
  request: { id: string; deadline: Date; acceptsLate: boolean },
  deputy: { name: string; email: string; until: Date | null },
): Promise<string> {
  const token = issueApprovalToken();
  await tx.approvalToken.updateMany({ where: { approvalRequestId: request.id, revokedAt: null, onBehalf: true }, data: { revokedAt: clock() } });
  const expiry = linkExpiry(request.deadline, request.acceptsLate);
  await tx.approvalToken.create({
    data: {
      id: token.id,
      approvalRequestId: request.id,
      secretHash: token.secretHash,
      approverEmail: deputy.email,
      holderName: deputy.name,
      onBehalf: true,
      holderUntil: deputy.until,
      expiresAt: capped(expiry, deputy.until),
    },
  });
  return `${publicUrl}/approvals/${token.token}`;
}
