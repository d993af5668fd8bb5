import { createHash } from 'node:crypto';
import { sealMessage } from '../mail/sealed-message';
import type { RenderedEmail } from '../mail/templates';
import type { ActivityDeps } from './deps';

export interface EmailDelivery {
  idempotencyKey: string;
  applicationId: string;
  template: string;
  to: string;
  /** Renders the message; called only for the first write of this logical email. */
  render: () => Promise<RenderedEmail>;
}

/**
 * Puts one logical email in the outbox, once however often the activity is retried: rendered
 * (issuing its approval link, if any), composed to its exact bytes and sealed. The outbox relay
 * (mail/outbox-relay.ts) sends it and every retry of it from those bytes, so a party never gets a
 * second version with another link. Returns whether this call wrote it.
 */
export async function enqueueEmail(deps: ActivityDeps, delivery: EmailDelivery): Promise<'queued' | 'already-queued'> {
  const { db, mailer } = deps;
  const { idempotencyKey, applicationId, template, to } = delivery;
  if (await db.outboxMessage.findUnique({ where: { idempotencyKey }, select: { id: true } })) return 'already-queued';
  const email = await delivery.render();
  const messageId = stableMessageId(idempotencyKey, deps.publicUrl);
  const raw = await mailer.compose({ to, messageId, subject: email.subject, html: email.html, text: email.text, attachments: email.attachments });
  const { count } = await db.outboxMessage.createMany({
    data: [{ idempotencyKey, applicationId, template, toAddress: to, subject: email.subject, messageId, status: 'queued', attempts: 0, sealedMessage: sealMessage(deps.outboxKey, raw) }],
    skipDuplicates: true,
  });
  deps.wakeOutbox?.();
  return count ? 'queued' : 'already-queued';
}

export function stableMessageId(idempotencyKey: string, publicUrl: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${digest}@${new URL(publicUrl).hostname}>`;
}
