import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { msOptionalToNumber } from '@temporalio/common/lib/time';
import { createHash } from 'node:crypto';
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
 * Sends one logical email at most once per successful delivery. The outbox row is written before
 * the SMTP send and marked sent after it; a retry after "sent" does nothing. If the process dies
 * after the SMTP server accepted the message but before it was marked sent, the retry sends it
 * again with the same Message-ID, so the duplicate is recognisable (at-least-once, deduplicable).
 */
export async function deliverEmail(deps: ActivityDeps, delivery: EmailDelivery): Promise<'sent' | 'already-sent'> {
  const { db, mailer, clock } = deps;
  const { idempotencyKey, applicationId, template, to } = delivery;
  const existing = await db.outboxMessage.findUnique({ where: { idempotencyKey }, select: { status: true } });
  if (existing?.status === 'sent') return 'already-sent';

  const email = await delivery.render();
  const messageId = stableMessageId(idempotencyKey, deps.publicUrl);
  const row = await db.outboxMessage.upsert({
    where: { idempotencyKey },
    create: { idempotencyKey, applicationId, template, toAddress: to, subject: email.subject, messageId, status: 'sending', attempts: 1 },
    update: { status: 'sending', subject: email.subject, attempts: { increment: 1 }, nextAttemptAt: null },
    select: { id: true },
  });
  try {
    await mailer.send({ to, messageId, subject: email.subject, html: email.html, text: email.text, attachments: email.attachments });
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
        data: { template, to, subject: email.subject, messageId },
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
