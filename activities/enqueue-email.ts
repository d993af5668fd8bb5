import { createHash } from 'node:crypto';
import { setLockTimeout } from '../db/prisma-client';
import type { Prisma } from '../generated/prisma/client';
import { sealMessage } from '../mail/sealed-message';
import type { RenderedEmail } from '../mail/templates';
import type { Recorded } from './audit';
import type { ActivityDeps } from './deps';

export interface EmailDelivery {
  idempotencyKey: string;
  applicationId: string;
  template: string;
  to: string;
  /**
   * Renders the message, with the client that writes it. With `issuesLink`, called only for the
   * first write of this logical email; without, it must write nothing (a retry renders again).
   */
  render: (db: Prisma.TransactionClient) => Promise<RenderedEmail>;
  /**
   * Rendering issues an approval link, revoking the request's earlier ones. Then two attempts
   * racing (a retry while a stalled first attempt still runs) must not both render: the loser's
   * link would revoke the one in the message that was kept. Such a delivery is written under a
   * lock on its key, in one transaction with the link.
   */
  issuesLink?: boolean;
  /**
   * The caller created, in this transaction, the record the email's key is named after (an approval
   * request): no attempt can have queued the email before (a racing one waits on that record's
   * insert), so it is written without the lock and the look-up.
   */
  keyIsNew?: boolean;
}

/** How long a delivery that issues a link waits for another attempt writing the same one. */
const LINK_LOCK_TIMEOUT_MS = 10_000;

/**
 * Puts one logical email in the outbox, once however often the activity is retried: rendered
 * (issuing its approval link, if any), composed to its exact bytes and sealed. The outbox relay
 * (mail/outbox-relay.ts) sends it and every retry of it from those bytes, so a party never gets a
 * second version with another link. Returns whether this call wrote it.
 */
export async function enqueueEmail(deps: ActivityDeps, delivery: EmailDelivery): Promise<'queued' | 'already-queued'> {
  const written = delivery.issuesLink ? await deps.db.$transaction((tx) => enqueueEmailIn(tx, deps, delivery), { timeout: 20_000 }) : await writeOnce(deps, deps.db, delivery);
  if (written === 'queued') deps.wakeOutbox?.();
  return written;
}

/**
 * As enqueueEmail, inside the caller's transaction `tx` (which commits it with the caller's own
 * writes); the caller wakes the outbox after committing.
 */
export async function enqueueEmailIn(tx: Prisma.TransactionClient, deps: ActivityDeps, delivery: EmailDelivery): Promise<'queued' | 'already-queued'> {
  if (delivery.issuesLink && !delivery.keyIsNew) {
    // A stalled holder (its connection alive, its attempt abandoned) must not pin a pooled connection per retry.
    await setLockTimeout(tx, LINK_LOCK_TIMEOUT_MS);
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${delivery.idempotencyKey}, 0))`;
    // Rendering issues a link: it must not run again for an email an earlier attempt queued.
    if (await tx.outboxMessage.findUnique({ where: { idempotencyKey: delivery.idempotencyKey }, select: { id: true } })) return 'already-queued';
  }
  return writeOnce(deps, tx, delivery);
}

/** enqueueEmailIn within inTransaction's work: the relay is woken once the transaction commits. */
export async function queueEmailIn(r: Recorded, deps: ActivityDeps, delivery: EmailDelivery): Promise<void> {
  if ((await enqueueEmailIn(r.tx, deps, delivery)) === 'queued') r.emailQueued = true;
}

async function writeOnce(deps: ActivityDeps, db: Prisma.TransactionClient, delivery: EmailDelivery): Promise<'queued' | 'already-queued'> {
  const { idempotencyKey, applicationId, template, to } = delivery;
  // Rendering that issues no link writes nothing: a retry renders again, and the insert keeps the first message.
  const email = await delivery.render(db);
  const messageId = stableMessageId(idempotencyKey, deps.publicUrl);
  const raw = await deps.mailer.compose({ to, messageId, subject: email.subject, html: email.html, text: email.text, attachments: email.attachments });
  const { count } = await db.outboxMessage.createMany({
    data: [{ idempotencyKey, applicationId, template, toAddress: to, subject: email.subject, messageId, status: 'queued', attempts: 0, sealedMessage: sealMessage(deps.outboxKey, raw) }],
    skipDuplicates: true,
  });
  return count ? 'queued' : 'already-queued';
}

export function stableMessageId(idempotencyKey: string, publicUrl: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${digest}@${new URL(publicUrl).hostname}>`;
}
