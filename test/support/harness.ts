import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import type { OidcSettings } from '../../auth/create-auth';
import type { PeopleService } from '../../auth/people';
import { createHttpServer } from '../../client/http/server';
import { serverClient } from '../../client/services/temporal-connection';
import { freePort } from '../../dev/free-port';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DocumentStore } from '../../storage/document-store';
import { createLocalFolderStore } from '../../storage/local-folder-store';
import { createDb } from '../../db/prisma-client';
import { startMailbox } from '../../dev/mailbox';
import { createSmtpMailer } from '../../mail/mailer';
import { createWorker } from '../../worker/create-worker';
import { createIsolatedDatabase } from '../setup/test-database';
import { apiOf } from './api';
import { personWithKey, testSignIn } from './people';
import { createLogger } from '../../observability/logger';

/** One line of k2flow's JSON log. */
export type LogEntry = { msg: string; level: string; reqId?: string; [field: string]: unknown };

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export interface HarnessOptions {
  /** The office's OpenID Connect provider, when a test signs in through one. */
  oidc?: OidcSettings;
  /** The HTTP server's port, when a test must know it first (a free one otherwise). */
  port?: number;
  /** Where documents go: a folder of the harness's own by default. */
  documentStore?: DocumentStore;
  documentMaxBytes?: number;
  /** The token Prometheus would scrape /metrics with (no metrics without it). */
  metricsToken?: string;
  /** As TRUST_PROXY: the server is behind a proxy it trusts. */
  trustProxy?: boolean;
}

/**
 * The whole system on real parts for one test file: the run's Temporal dev server and database,
 * a real SMTP server, a worker on its own task queue and the HTTP server on a free port.
 */
export async function startHarness(options: HarnessOptions = {}) {
  // A database of its own: the worker's outbox relay sends every due message it finds, so two
  // harnesses (each with its own mailbox and sealing key) must not see each other's outbox.
  const database = await createIsolatedDatabase('k2flow_harness', inject('databaseTemplate'));
  const databaseUrl = database.url;
  const address = inject('temporalAddress');
  const taskQueue = `test-${randomUUID()}`;
  // The server's and the outbox relay's log, as JSON lines, the way a log collector gets them.
  const logLines: string[] = [];
  const logger = createLogger({ name: 'k2flow-test', level: 'trace', destination: { write: (line: string) => void logLines.push(line) } });

  const mailbox = await startMailbox();
  const documentsDir = await mkdtemp(path.join(tmpdir(), 'k2flow-documents-'));
  const db = createDb(databaseUrl, { maxConnections: 10 });
  const connection = await Connection.connect({ address });
  // The server's own Client (traced when the test file installed tracing).
  const temporal = serverClient(connection);
  const clock = () => new Date();
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const { people: peopleService, ...signIn } = testSignIn(db, baseUrl, options.oidc);
  const server = await createHttpServer({
    ...signIn,
    db,
    temporal,
    taskQueue,
    // One "working day" of reminders and escalations lasts a second here; the logic is the same.
    scheduleUnit: { kind: 'fixed', ms: 1000 },
    documentStore: options.documentStore ?? createLocalFolderStore(documentsDir),
    ...(options.documentMaxBytes ? { documentMaxBytes: options.documentMaxBytes } : {}),
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
    ...(options.trustProxy ? { trustProxy: true } : {}),
    clock,
    logger,
    // The embedded development mailbox, as `npm start` serves it (/dev/mailbox, admins only).
    mailbox,
  });
  await server.listen({ port, host: '127.0.0.1' });
  const people = await signedInPeople(peopleService);

  const mailer = createSmtpMailer(mailbox.smtpUrl, 'k2flow tests <tests@k2flow.local>');
  const deps = { db, mailer, clock, publicUrl: baseUrl, outboxKey: randomBytes(32) };
  const workerConnection = await NativeConnection.connect({ address });
  const startWorker = async () => {
    const worker = await createWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      deps,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      logger,
    });
    const running = worker.run();
    return { worker, running };
  };
  let current: Awaited<ReturnType<typeof startWorker>> | null = await startWorker();
  const stopWorker = async () => {
    if (!current) return;
    current.worker.shutdown();
    await current.running;
    current = null;
  };

  return {
    baseUrl,
    databaseUrl,
    db,
    temporal,
    taskQueue,
    mailbox,
    deps,
    logLines,
    /** The log lines as objects (pino's: msg, level, reqId, and each line's fields). */
    logEntries: () => logLines.map((line) => JSON.parse(line) as LogEntry),
    app: server,
    auth: signIn.auth,
    /** The server's K2FLOW_AUTH_SECRET (signs sessions). */
    secret: signIn.secret,
    people,
    /** Takes the worker away (as an outage would) until `resumeWorker`; timers keep firing on the server. */
    pauseWorker: stopWorker,
    async resumeWorker() {
      current ??= await startWorker();
    },
    async stop() {
      await stopWorker();
      await workerConnection.close();
      await server.close();
      await connection.close();
      mailer.close();
      await mailbox.close();
      await db.$disconnect();
      await database.drop();
      await rm(documentsDir, { recursive: true, force: true });
    },
  };
}

/** Starts a harness before the file's tests and stops it after them; hands it to `use`. */
export function useHarness(use: (started: { h: Harness; api: ReturnType<typeof apiOf> }) => unknown, options: () => HarnessOptions = () => ({})): void {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness(options());
    await use({ h, api: apiOf(h) });
  });
  afterAll(() => h?.stop());
}

/**
 * One person of each role: a coordinator of office "k2" (the one the API helpers act as), a
 * coordinator of another office, an admin and an auditor, each with an API key.
 */
async function signedInPeople(people: PeopleService) {
  const [coordinator, otherCoordinator, admin, auditor] = await Promise.all([
    personWithKey(people, 'coordinator', 'k2', 'coordinator'),
    personWithKey(people, 'coordinator', 'other-office', 'other-coordinator'),
    personWithKey(people, 'admin', undefined, 'admin'),
    personWithKey(people, 'auditor', undefined, 'auditor'),
  ]);
  return { coordinator, otherCoordinator, admin, auditor };
}
