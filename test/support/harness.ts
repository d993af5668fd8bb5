import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, inject } from 'vitest';
import { createHttpServer } from '../../client/http/server';
import { createDb } from '../../db/prisma-client';
import { startMailbox } from '../../dev/mailbox';
import { createSmtpMailer } from '../../mail/mailer';
import { createWorker } from '../../worker/create-worker';
import { apiOf } from './api';

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/**
 * The whole system on real parts for one test file: the run's Temporal dev server and database,
 * a real SMTP server, a worker on its own task queue and the HTTP server on a free port.
 */
export async function startHarness() {
  const databaseUrl = inject('databaseUrl');
  const address = inject('temporalAddress');
  const taskQueue = `test-${randomUUID()}`;
  const logLines: string[] = [];

  const mailbox = await startMailbox();
  const db = createDb(databaseUrl, { maxConnections: 5 });
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection });
  const clock = () => new Date();
  const server = createHttpServer({
    db,
    temporal,
    taskQueue,
    // One "working day" of reminders and escalations lasts a second here; the logic is the same.
    scheduleUnit: { kind: 'fixed', ms: 1000 },
    clock,
    log: (line) => logLines.push(line),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const mailer = createSmtpMailer(mailbox.smtpUrl, 'k2flow tests <tests@k2flow.local>');
  const deps = { db, mailer, clock, publicUrl: baseUrl };
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await createWorker({
    connection: workerConnection,
    namespace: 'default',
    taskQueue,
    deps,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  const running = worker.run();

  return {
    baseUrl,
    db,
    temporal,
    taskQueue,
    mailbox,
    deps,
    logLines,
    async stop() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await new Promise((resolve) => server.close(resolve));
      await connection.close();
      mailer.close();
      await mailbox.close();
      await db.$disconnect();
    },
  };
}

/** Starts a harness before the file's tests and stops it after them; hands it to `use`. */
export function useHarness(use: (started: { h: Harness; api: ReturnType<typeof apiOf> }) => void): void {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness();
    use({ h, api: apiOf(h) });
  });
  afterAll(() => h?.stop());
}
