import { appendAudit, actor } from '../activities/audit';
import type { Db } from '../db/prisma-client';
import type { Mailer } from './mailer';
import { openMessage } from './sealed-message';

/**
 * The outbox relay: sends what activities put in the outbox (activities/enqueue-email.ts), in the
 * worker process, beside the Temporal worker. Activities only write: the request, its audit record
 * and its sealed message commit together, quickly, and a workflow never waits on an SMTP server.
 * The relay claims due messages with FOR UPDATE SKIP LOCKED, so any number of workers share the
 * outbox without sending a message twice at once; a claim lapses after CLAIM_MS, so a worker that
 * dies mid-send leaves the message to another, which sends the very same bytes (at-least-once,
 * and a duplicate is a true duplicate: same Message-ID, same link).
 *
 * Written here rather than taken from a job-queue library (pg-boss, graphile-worker): the outbox
 * table already is the queue, written in the activity's own transaction, and the admin's view of
 * every email (status, attempts, next attempt) reads it directly. A second queue beside it would
 * hold the same facts twice.
 */
export interface OutboxRelayOptions {
  db: Db;
  mailer: Mailer;
  outboxKey: Buffer;
  clock?: () => Date;
  /** How often the outbox is looked at without being woken (retries due, another worker's messages). */
  pollMs?: number;
  /** Messages sent at once; the mailer's pool bounds the SMTP connections. */
  batch?: number;
  log?: (line: string) => void;
}

/** How long a claim lasts: longer than the mailer's own timeouts (mail/mailer.ts), so a live send is never taken over. */
export const CLAIM_MS = 30_000;
/** Retries back off from a second, doubling, to a minute apart. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;
/** A message still not accepted this long after it was written is failed: nobody expects it any more. */
export const GIVE_UP_AFTER_MS = 3 * 24 * 3_600_000;

interface Claimed {
  id: string;
  idempotencyKey: string;
  applicationId: string;
  template: string;
  toAddress: string;
  subject: string;
  messageId: string;
  attempts: number;
  createdAt: Date;
  sealedMessage: Uint8Array;
}

export interface OutboxRelay {
  /** Looks at the outbox now (an activity has just written to it). */
  wake(): void;
  /** Sends whatever is due until none is left; for tests and for the relay's own loop. */
  drain(): Promise<number>;
  /** Stops claiming and waits for the messages on the wire. */
  stop(): Promise<void>;
}

export function startOutboxRelay({ db, mailer, outboxKey, clock = () => new Date(), pollMs = 1_000, batch = 20, log = console.error }: OutboxRelayOptions): OutboxRelay {
  let stopped = false;
  let woken = false;
  let wakeUp: (() => void) | null = null;

  async function claim(): Promise<Claimed[]> {
    const now = clock();
    return db.$queryRaw<Claimed[]>`
      UPDATE "OutboxMessage" SET "status" = 'sending', "attempts" = "attempts" + 1, "claimedUntil" = ${new Date(now.getTime() + CLAIM_MS)}, "nextAttemptAt" = NULL
      WHERE "id" IN (
        SELECT "id" FROM "OutboxMessage"
        WHERE ("status" = 'queued')
           OR ("status" = 'retrying' AND "nextAttemptAt" <= ${now})
           OR ("status" = 'sending' AND "claimedUntil" < ${now})
        ORDER BY "createdAt"
        LIMIT ${batch}
        FOR UPDATE SKIP LOCKED)
      RETURNING "id", "idempotencyKey", "applicationId", "template", "toAddress", "subject", "messageId", "attempts", "createdAt", "sealedMessage"`;
  }

  /** Sends one claimed message; true once the SMTP server accepted it, false (recorded) when it did not. */
  async function send(m: Claimed): Promise<boolean> {
    try {
      await mailer.sendRaw(m.toAddress, openMessage(outboxKey, Buffer.from(m.sealedMessage)));
      return true;
    } catch (error) {
      await recordFailure(m, error as Error & { responseCode?: number });
      return false;
    }
  }

  /**
   * Records a batch as sent in two statements: the audit records first, then the rows. A relay
   * that dies between them leaves messages that were sent, and say so, still claimed: sent again
   * when the claim lapses, as any message whose exchange was cut off.
   */
  async function markSent(sent: Claimed[]): Promise<void> {
    const now = clock();
    await appendAudit(
      db,
      sent.map((m) => ({
        idempotencyKey: `email-sent:${m.idempotencyKey}`,
        applicationId: m.applicationId,
        type: 'email.sent',
        actor: actor.system,
        data: { template: m.template, to: m.toAddress, subject: m.subject, messageId: m.messageId },
        occurredAt: now,
      })),
    );
    await db.outboxMessage.updateMany({ where: { id: { in: sent.map((m) => m.id) } }, data: { status: 'sent', sentAt: now, lastError: null, nextAttemptAt: null, claimedUntil: null } });
  }

  async function recordFailure(m: Claimed, error: Error & { responseCode?: number }): Promise<void> {
    const now = clock();
    const lastError = String(error.message).slice(0, 1000);
    // 5xx is the SMTP server's final word on this message (no such mailbox, refused); anything else may pass later.
    const refused = (error.responseCode ?? 0) >= 500;
    const tooOld = now.getTime() - m.createdAt.getTime() >= GIVE_UP_AFTER_MS;
    if (!refused && !tooOld) {
      const nextAttemptAt = new Date(now.getTime() + retryDelayMs(m.attempts));
      await db.outboxMessage.update({ where: { id: m.id }, data: { status: 'retrying', nextAttemptAt, lastError, claimedUntil: null } });
      return;
    }
    await db.$transaction(async (tx) => {
      await tx.outboxMessage.update({ where: { id: m.id }, data: { status: 'failed', nextAttemptAt: null, lastError, claimedUntil: null } });
      await appendAudit(tx, [
        {
          idempotencyKey: `email-failed:${m.idempotencyKey}`,
          applicationId: m.applicationId,
          type: 'email.failed',
          actor: actor.system,
          data: { template: m.template, to: m.toAddress, subject: m.subject, attempts: m.attempts, error: lastError },
          occurredAt: now,
        },
      ]);
    });
  }

  let draining: Promise<number> | null = null;
  function drain(): Promise<number> {
    draining ??= (async () => {
      let sent = 0;
      try {
        for (;;) {
          const due = stopped ? [] : await claim();
          if (!due.length) return sent;
          const outcomes = await Promise.all(due.map(send));
          const accepted = due.filter((_, i) => outcomes[i]);
          if (accepted.length) await markSent(accepted);
          sent += accepted.length;
        }
      } finally {
        draining = null;
      }
    })();
    return draining;
  }

  const loop = (async () => {
    while (!stopped) {
      woken = false;
      try {
        await drain();
      } catch (error) {
        // The database is away: the claim lapses or the row stays due, and the next look retries.
        log(`outbox relay: ${(error as Error).message}`);
      }
      if (stopped || woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = null;
    }
  })();

  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    drain,
    async stop() {
      stopped = true;
      wakeUp?.();
      await loop;
      await draining;
    },
  };
}

/** The delay before attempt `attempts + 1`, after `attempts` failed ones. */
export const retryDelayMs = (attempts: number): number => Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
