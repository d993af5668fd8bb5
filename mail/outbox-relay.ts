import { actor, inTransaction, PATIENT } from '../activities/audit';
import type { Db } from '../db/prisma-client';
import { SMTP_CONNECTIONS, type Mailer } from './mailer';
import { openMessage } from './sealed-message';
import { silentLogger, type Logger } from '../observability/logger';

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
  /** Messages claimed and sent at once: no more than the mailer's pooled connections, so none waits for one while its claim runs. */
  batch?: number;
  logger?: Logger;
}

/** How long messages of a claim already sent wait for the claim's slower ones before being marked sent. */
const MARK_WITHIN_MS = 1_000;

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
  sealedMessage: Uint8Array | null;
  /** Also this claim's mark: a relay writes to the row only while the claim it made is still the row's. */
  claimedUntil: Date;
}

export interface OutboxRelay {
  /** Looks at the outbox now (an activity has just written to it). */
  wake(): void;
  /** Sends whatever is due until none is left; for tests and for the relay's own loop. */
  drain(): Promise<number>;
  /** Stops claiming and waits for the messages on the wire (at most CLAIM_MS). */
  stop(): Promise<void>;
}

export function startOutboxRelay({ db, mailer, outboxKey, clock = () => new Date(), pollMs = 1_000, batch = SMTP_CONNECTIONS, logger = silentLogger }: OutboxRelayOptions): OutboxRelay {
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
      RETURNING "id", "idempotencyKey", "applicationId", "template", "toAddress", "subject", "messageId", "attempts", "createdAt", "sealedMessage", "claimedUntil"`;
  }

  /** The composed message; a worker whose K2FLOW_AUTH_SECRET differs cannot open it, and the error says so. */
  function opened(sealed: Uint8Array): Buffer {
    try {
      return openMessage(outboxKey, Buffer.from(sealed));
    } catch {
      // Not failed for good: a relay with the right secret may still send it (until GIVE_UP_AFTER_MS).
      throw new Error('The message cannot be opened with this worker\'s key: it was sealed under another K2FLOW_AUTH_SECRET (give every worker the same one), or its stored bytes were altered.');
    }
  }

  /** Sends one claimed message: true once the SMTP server took it; a failure is recorded here. */
  async function deliver(m: Claimed): Promise<boolean> {
    try {
      if (!m.sealedMessage) throw Object.assign(new Error('The message was never composed (written before the outbox kept messages); it cannot be sent.'), { responseCode: 554 });
      await mailer.sendRaw(m.toAddress, opened(m.sealedMessage));
    } catch (error) {
      await recordFailure(m, error as Error & { responseCode?: number });
      return false;
    }
    return true;
  }

  /**
   * Records messages the server took as sent, together: each row (guarded by this relay's claim)
   * with its `email.sent` audit record, in one transaction and one append per application (an
   * approval's receipt and the next party's invitation usually go out together). A relay that dies
   * before this commits leaves them sent but still claimed: sent again when the claim lapses, as
   * any message whose exchange was cut off.
   */
  async function markSent(sent: Claimed[]): Promise<void> {
    if (!sent.length) return;
    const now = clock();
    await inTransaction({ db }, async ({ tx, audit }) => {
      await tx.outboxMessage.updateMany({ where: { OR: sent.map(mine) }, data: { status: 'sent', sentAt: now, lastError: null, nextAttemptAt: null, claimedUntil: null } });
      audit.push(
        ...sent.map((m) => ({
          idempotencyKey: `email-sent:${m.idempotencyKey}`,
          applicationId: m.applicationId,
          type: 'email.sent',
          actor: actor.system,
          data: { template: m.template, to: m.toAddress, subject: m.subject, messageId: m.messageId },
          occurredAt: now,
        })),
      );
    }, PATIENT);
  }

  /**
   * Sends one claim's messages and records those the server took: together once all are done, and
   * those done so far after MARK_WITHIN_MS, so a quick message waits at most that long for a slow
   * one's exchange (which may last nearly a claim) before it is marked sent. Returns how many were
   * sent; every outcome is recorded before it returns (or throws), whatever befell the others.
   */
  async function sendClaim(due: Claimed[]): Promise<number> {
    const done: Claimed[] = [];
    let sent = 0;
    let marking: Promise<void> = Promise.resolve();
    const mark = () => {
      const batch = done.splice(0);
      sent += batch.length;
      marking = marking.then(() => markSent(batch));
      marking.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      return marking;
    };
    const early = setTimeout(() => void mark(), MARK_WITHIN_MS);
    const outcomes = await Promise.allSettled(
      due.map(async (m) => {
        const taken = await deliver(m);
        if (taken) done.push(m);
        return taken;
      }),
    );
    clearTimeout(early);
    await mark();
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
    return sent;
  }

  /** The row as this relay claimed it: another relay's later claim makes it no longer ours. */
  const mine = (m: Claimed) => ({ id: m.id, status: 'sending', claimedUntil: m.claimedUntil });

  async function recordFailure(m: Claimed, error: Error & { responseCode?: number }): Promise<void> {
    const now = clock();
    const lastError = String(error.message).slice(0, 1000);
    // 5xx is the SMTP server's final word on this message (no such mailbox, refused); anything else may pass later.
    // A refused login (535) is k2flow's configuration, not the message: it is tried again once that is mended.
    const refused = (error.responseCode ?? 0) >= 500 && (error as { code?: string }).code !== 'EAUTH';
    const tooOld = now.getTime() - m.createdAt.getTime() >= GIVE_UP_AFTER_MS;
    if (!refused && !tooOld) {
      const nextAttemptAt = new Date(now.getTime() + retryDelayMs(m.attempts));
      logger.warn({ applicationId: m.applicationId, messageId: m.messageId, template: m.template, attempts: m.attempts, nextAttemptAt, reason: lastError }, 'email not sent; it will be tried again');
      await db.outboxMessage.updateMany({ where: mine(m), data: { status: 'retrying', nextAttemptAt, lastError, claimedUntil: null } });
      return;
    }
    logger.error({ applicationId: m.applicationId, messageId: m.messageId, template: m.template, attempts: m.attempts, reason: lastError }, refused ? 'email refused by the SMTP server; not tried again' : 'email given up after retrying');
    await inTransaction(
      { db },
      async ({ tx, audit }) => {
        const { count } = await tx.outboxMessage.updateMany({ where: mine(m), data: { status: 'failed', nextAttemptAt: null, lastError, claimedUntil: null } });
        // This relay's claim lapsed and another relay took the message over: its outcome is that relay's to record.
        if (count === 0) return;
        audit.push({
          idempotencyKey: `email-failed:${m.idempotencyKey}`,
          applicationId: m.applicationId,
          type: 'email.failed',
          actor: actor.system,
          data: { template: m.template, to: m.toAddress, subject: m.subject, attempts: m.attempts, error: lastError },
          occurredAt: now,
        });
      },
      PATIENT,
    );
  }

  let draining: Promise<number> | null = null;
  function drain(): Promise<number> {
    draining ??= (async () => {
      let sent = 0;
      try {
        for (;;) {
          const due = stopped ? [] : await claim();
          if (!due.length) return sent;
          sent += await sendClaim(due);
        }
      } finally {
        draining = null;
      }
    })();
    return draining;
  }

  const loop = (async () => {
    // An outage fails every look: say so when it starts (or its reason changes) and when it ends, not every second.
    let failing: string | null = null;
    while (!stopped) {
      woken = false;
      try {
        await drain();
        if (failing) logger.info('outbox relay: sending again');
        failing = null;
      } catch (error) {
        // The database is away: the claim lapses or the row stays due, and the next look retries.
        const message = (error as Error).message;
        if (message !== failing) logger.warn({ reason: message }, 'outbox relay: the outbox cannot be read or written');
        failing = message;
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
      // The mailer's timeouts end any exchange within a claim's time; should a database call hang
      // instead, the relay stops anyway: its claims lapse and another relay sends them, as after a crash.
      let timer: NodeJS.Timeout | undefined;
      const lapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLAIM_MS)));
      try {
        await Promise.race([Promise.all([loop, draining]), lapsed]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The delay before attempt `attempts + 1`, after `attempts` failed ones. */
export const retryDelayMs = (attempts: number): number => Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
