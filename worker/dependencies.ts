import type { ActivityDeps } from '../activities';
import type { WorkerConfig } from '../config/app-config';
import { createDb, type DbOptions } from '../db/prisma-client';
import { createSmtpMailer } from '../mail/mailer';
import { outboxKeyFrom } from '../mail/sealed-message';

/** Builds the real dependencies of activities from configuration. */
export function buildActivityDeps(
  config: Pick<WorkerConfig, 'MAIL_FROM' | 'PUBLIC_URL'> & { databaseUrl: string; smtpUrl: string; secret: string },
  dbOptions?: DbOptions,
): ActivityDeps & { close(): Promise<void> } {
  const db = createDb(config.databaseUrl, dbOptions);
  const mailer = createSmtpMailer(config.smtpUrl, config.MAIL_FROM);
  return {
    db,
    mailer,
    clock: () => new Date(),
    publicUrl: config.PUBLIC_URL,
    outboxKey: outboxKeyFrom(config.secret),
    async close() {
      mailer.close();
      await db.$disconnect();
    },
  };
}
