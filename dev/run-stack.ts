import { NativeConnection } from '@temporalio/worker';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createHttpServer } from '../client/http/server';
import { documentStoreFrom } from '../storage/store-from-config';
import { loadConfig } from '../config/app-config';
import { migrate } from '../db/migrate';
import { createWorker, tuningFrom } from '../worker/create-worker';
import { installWorkerRuntime } from '../worker/runtime';
import { buildActivityDeps } from '../worker/dependencies';
import { authFromConfig } from '../client/http/auth-from-config';
import { ensureSearchAttributes } from '../client/services/search-attributes';
import { connectTemporalClient } from '../client/services/temporal-connection';
import { describeTarget, nativeConnectionOptions, temporalTargetFromEnv } from '../client/services/temporal-target';
import { createLogger, logFormat, withoutUrlPassword } from '../observability/logger';
import { lockDataDir } from './data-dir-lock';
import { devAuthSecret, signInLines } from './dev-admin';
import { startEmbeddedPostgres } from './embedded-postgres';
import { startMailbox } from './mailbox';
import { startTemporalDevServer } from './temporal-dev-server';
import { installTracingOrExit, shutdownTracing } from '../observability/tracing';
import { onStopSignal } from '../observability/stop-signals';

/**
 * The whole system in one process: each real part from its configured address, or its embedded
 * default (Temporal dev server, PGlite, development mailbox) with state kept in K2FLOW_DATA_DIR.
 * The worker runs the workflow bundle that prepare() checked or built. Resolves when the system
 * has stopped after SIGINT/SIGTERM.
 */
export async function runStack({ temporalCli, workflowBundlePath }: { temporalCli: string | null; workflowBundlePath: string }): Promise<void> {
  const config = loadConfig();
  const format = logFormat(config.K2FLOW_LOG_FORMAT);
  const logger = createLogger({ name: 'k2flow', level: config.K2FLOW_LOG_LEVEL, format });
  // One process, one service name for the server's and the worker's spans (OTEL_SERVICE_NAME overrides it).
  installTracingOrExit('k2flow', logger);
  const log = (line: string) => logger.info(line);
  const dataDir = path.resolve(config.K2FLOW_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  const stops: Array<() => Promise<unknown>> = [async () => release(), shutdownTracing];

  try {
    const embeddedDb = config.DATABASE_URL ? null : await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pgdata') });
    if (embeddedDb) stops.unshift(() => embeddedDb.stop());
    const databaseUrl = config.DATABASE_URL ?? embeddedDb!.databaseUrl;
    const { applied } = await migrate(databaseUrl, { log });
    log(`database ready${embeddedDb ? ` (embedded PGlite in ${path.join(dataDir, 'pgdata')})` : ''}; ${applied.length} migration(s) applied`);

    // Temporal's own settings (TEMPORAL_ADDRESS, TLS, API key, a temporal.toml profile) name an external one, or none.
    const external = temporalTargetFromEnv();
    const devServer = external
      ? null
      : await startTemporalDevServer({
          cliPath: temporalCli,
          port: config.TEMPORAL_PORT,
          uiPort: config.TEMPORAL_UI_PORT,
          dbFilename: path.join(dataDir, 'temporal.db'),
          log,
        });
    if (devServer) stops.unshift(() => devServer.stop());
    const target = external ?? { address: devServer!.address, namespace: config.TEMPORAL_NAMESPACE };
    const temporalAddress = target.address;

    const mailbox = config.SMTP_URL ? null : await startMailbox({ port: config.SMTP_PORT });
    if (mailbox) stops.unshift(() => mailbox.close());
    const smtpUrl = config.SMTP_URL ?? mailbox!.smtpUrl;

    const secret = config.K2FLOW_AUTH_SECRET ?? (await devAuthSecret(dataDir));
    const deps = buildActivityDeps({ ...config, databaseUrl, smtpUrl, secret }, embeddedDb ? { maxConnections: 1 } : {});
    stops.unshift(() => deps.close());
    // We own shutdown order (HTTP first, then worker, then services), not the SDK's signal handlers;
    // the SDK's INFO lines (state changes) would bury the addresses printed below.
    installWorkerRuntime({ logger, minimum: 'WARN', ownSignals: true, metricsAddress: config.K2FLOW_WORKER_METRICS_ADDRESS });
    const workerConnection = await NativeConnection.connect(nativeConnectionOptions(target));
    stops.unshift(() => workerConnection.close());
    const worker = await createWorker({ connection: workerConnection, namespace: target.namespace, taskQueue: config.TEMPORAL_TASK_QUEUE, deps, workflowBundle: { codePath: workflowBundlePath }, tuning: tuningFrom(config), logger, shutdownGraceSeconds: config.K2FLOW_SHUTDOWN_TIMEOUT_SECONDS });
    const workerRun = worker.run();
    stops.unshift(async () => {
      worker.shutdown();
      await workerRun;
    });

    // The worker above keeps the SDK's patient retries; the server's client gives up within seconds.
    const { client: temporal, connection } = await connectTemporalClient(target);
    stops.unshift(() => connection.close());
    await ensureSearchAttributes(connection, target.namespace, log);
    const signIn = await authFromConfig(config, deps.db, secret, logger);
    const adminLines = await signInLines({ db: deps.db, auth: signIn.auth, dataDir, publicUrl: config.PUBLIC_URL, embedded: !!embeddedDb, showPassword: format !== 'json' });
    const documentStore = documentStoreFrom(config, dataDir);
    const server = await createHttpServer({
      ...signIn,
      db: deps.db,
      temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      scheduleUnit: config.K2FLOW_SCHEDULE_UNIT,
      documentStore,
      metricsToken: config.K2FLOW_METRICS_TOKEN,
      documentMaxBytes: config.K2FLOW_DOCUMENT_MAX_MB * 1024 * 1024,
      clock: deps.clock,
      mailbox: mailbox ?? undefined,
      smtp: deps.mailer,
      logger,
    });
    await server.listen({ port: config.PORT, host: config.HOST });
    stops.unshift(() => server.close());

    const addresses = {
      app: config.PUBLIC_URL,
      temporalUi: devServer?.uiUrl ?? null,
      mailbox: mailbox ? `${config.PUBLIC_URL}/dev/mailbox` : null,
      temporal: describeTarget(target),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      database: embeddedDb ? 'embedded PGlite' : withoutUrlPassword(databaseUrl),
      dataDir,
      documents: documentStore.description,
    };
    // A person in a terminal reads the banner; a log collector gets one line with the same addresses.
    if (format === 'json') logger.info({ ...addresses, signIn: adminLines }, 'k2flow is running');
    else console.log(`
k2flow is running. Ctrl-C stops everything.
  App            ${config.PUBLIC_URL}   (API under /api, approval links under /approvals)
  Temporal UI    ${devServer?.uiUrl ?? `(external server at ${temporalAddress})`}
  Mailbox        ${mailbox ? `${config.PUBLIC_URL}/dev/mailbox   (SMTP on 127.0.0.1:${mailbox.port})` : `(sending through ${withoutUrlPassword(smtpUrl)})`}
  Temporal       ${describeTarget(target)}, task queue ${config.TEMPORAL_TASK_QUEUE}
  Database       ${embeddedDb ? `embedded PGlite (${path.join(dataDir, 'pgdata')})` : withoutUrlPassword(databaseUrl)}
  Data folder    ${dataDir}
  Documents      ${documentStore.description}

${adminLines.map((l) => `  ${l}`).join('\n')}
`);
    // Each part bounds its own stop (the worker: K2FLOW_SHUTDOWN_TIMEOUT_SECONDS and 10 s more);
    // the deadline bounds them all, should one hang.
    await new Promise<void>((resolve) => onStopSignal(() => resolve(), { logger, deadlineMs: (config.K2FLOW_SHUTDOWN_TIMEOUT_SECONDS + 20) * 1000 }));
    log('stopping...');
  } finally {
    for (const stop of stops) {
      await stop().catch((error: Error) => log(`while stopping: ${error.message}`));
    }
  }
  log('stopped.');
}
