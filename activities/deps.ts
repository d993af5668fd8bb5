import type { Db } from '../db/prisma-client';
import type { Mailer } from '../mail/mailer';

/** What activities need from the outside world; built once in worker/ and injected. */
export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  clock: () => Date;
  /** Public base URL for links in emails; never taken from a request. */
  publicUrl: string;
  /** Seals the messages kept in the outbox (mail/sealed-message.ts); derived from K2FLOW_AUTH_SECRET. */
  outboxKey: Buffer;
  /** Tells this process's outbox relay that a message is waiting (it also looks every second by itself). */
  wakeOutbox?: () => void;
}
