import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { msOptionalToNumber } from '@temporalio/common/lib/time';
import { createHash } from 'node:crypto';
import { openMessage, sealMessage } from '../mail/sealed-message';
import type { RenderedEmail } from '../mail/templates';
import type { ActivityDeps } from './deps';
import { actor, appendAudit } from './audit';

export interface EmailDelivery {
  idempotencyKey: string;
  applicationId: string;
  template: string;
  to: string;
  /** Renders the message; called only when it is actually about to be sent. */
  render: () => Promise<RenderedEmail>;
}

/**
 * Sends one logical email, the same email however often it is retried. The first attempt renders
 * it (issuing its approval link, if any), composes the exact bytes and keeps them sealed in the
 * outbox row before the SMTP exchange; every later attempt sends those bytes, so a party never
 * gets a second version with another link. The row is marked sent after the exchange; a retry
 * after that does nothing. If the process dies after the SMTP server accepted the message but
 * before it was marked sent, the retry sends the identical message again (same Message-ID, same
 * link): at-least-once, and the duplicate is a true duplicate.
 */
export async function deliverEmail(deps: ActivityDeps, delivery: EmailDelivery): Promise<'sent' | 'already-sent'> {
  const { db, mailer, clock } = deps;
  const { idempotencyKey, applicationId, template, to } = delivery;
  const existing = await db.outboxMessage.findUnique({ where: { idempotencyKey }, select: { id: true, status: true, subject: true, sealedMessage: true } });
  if (existing?.status === 'sent') return 'already-sent';

  const messageId = stableMessageId(idempotencyKey, deps.publicUrl);
  let raw: Buffer;
  let subject: string;
  let row: { id: string };
  if (existing?.sealedMessage) {
    raw = openMessage(deps.outboxKey, existing.sealedMessage);
    subject = existing.subject;
    row = await db.outboxMessage.update({ where: { id: existing.id }, data: { status: 'sending', attempts: { increment: 1 }, nextAttemptAt: null }, select: { id: true } });
  } else {
    const email = await delivery.render();
    subject = email.subject;
    raw = await mailer.compose({ to, messageId, subject, html: email.html, text: email.text, attachments: email.attachments });
    const sealedMessage = sealMessage(deps.outboxKey, raw);
    row = await db.outboxMessage.upsert({
      where: { idempotencyKey },
      create: { idempotencyKey, applicationId, template, toAddress: to, subject, messageId, status: 'sending', attempts: 1, sealedMessage },
      update: { status: 'sending', subject, attempts: { increment: 1 }, nextAttemptAt: null, sealedMessage },
      select: { id: true },
    });
  }
  try {
    await mailer.sendRaw(to, raw);
  } catch (error) {
    const retry = nextAttempt(clock(), error);
    await db.outboxMessage.update({
      where: { id: row.id },
      data: { status: retry ? 'retrying' : 'failed', nextAttemptAt: retry, lastError: String((error as Error).message).slice(0, 1000) },
    });
    throw error;
  }
  const now = clock();
  await db.$transaction(async (tx) => {
    await tx.outboxMessage.update({ where: { id: row.id }, data: { status: 'sent', sentAt: now, lastError: null, nextAttemptAt: null } });
    await appendAudit(tx, [
      {
        idempotencyKey: `email-sent:${idempotencyKey}`,
        applicationId,
        type: 'email.sent',
        actor: actor.system,
        data: { template, to, subject, messageId },
        occurredAt: now,
      },
    ]);
  });
  return 'sent';
}

/**
 * When Temporal will run this activity again after `error`, from its retry policy (the delay
 * doubles from the initial interval up to the maximum); null when it will not: the error is
 * non-retryable, or this was the last attempt. Outside a Temporal activity (a direct call) the
 * default policy of workflows/activities-proxy.ts is assumed.
 */
export function nextAttempt(now: Date, error: unknown): Date | null {
  if (error instanceof ApplicationFailure && error.nonRetryable) return null;
  const info = currentActivityInfo();
  const policy = info?.retryPolicy;
  const attempt = info?.attempt ?? 1;
  if (policy?.maximumAttempts && attempt >= policy.maximumAttempts) return null;
  const initial = msOptionalToNumber(policy?.initialInterval) ?? 1_000;
  const maximum = msOptionalToNumber(policy?.maximumInterval) ?? 100 * initial;
  const delay = Math.min(initial * (policy?.backoffCoefficient ?? 2) ** (attempt - 1), maximum);
  return new Date(now.getTime() + delay);
}

function currentActivityInfo() {
  try {
    return Context.current().info;
  } catch {
    return null;
  }
}

export function stableMessageId(idempotencyKey: string, publicUrl: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${digest}@${new URL(publicUrl).hostname}>`;
}
