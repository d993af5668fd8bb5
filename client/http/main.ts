// `npm run server`: the HTTP server alone, against TEMPORAL_ADDRESS and DATABASE_URL.
import { loadConfigOrExit, serverConfig } from '../../config/app-config';
import { createDb, SERVER_DB_BOUNDS } from '../../db/prisma-client';
import { createSmtpMailer } from '../../mail/mailer';
import { createLogger } from '../../observability/logger';
import { ensureSearchAttributes } from '../services/search-attributes';
import { connectTemporalClient } from '../services/temporal-connection';
import { connectOrExit, temporalTargetOrExit } from '../services/temporal-target';
import { authFromConfig } from './auth-from-config';
import { createHttpServer } from './server';
import { documentStoreFrom } from '../../storage/store-from-config';
import { installTracingOrExit, shutdownTracing } from '../../observability/tracing';
import { onStopSignal } from '../../observability/stop-signals';

const config = loadConfigOrExit(serverConfig);
const target = temporalTargetOrExit();
const missing = [...(target ? [] : ['TEMPORAL_ADDRESS (or a profile in TEMPORAL_CONFIG_FILE)']), ...(['DATABASE_URL', 'K2FLOW_AUTH_SECRET'] as const).filter((k) => !config[k])];
if (!target || missing.length) {
  console.error(`The standalone server needs ${missing.join(', ')}. (npm start runs everything with embedded defaults.)`);
  process.exit(2);
}
const logger = createLogger({ name: 'k2flow-server', level: config.K2FLOW_LOG_LEVEL, format: config.K2FLOW_LOG_FORMAT });
installTracingOrExit('k2flow-server', logger);
const couldNotStart = (error: Error): never => {
  logger.fatal({ err: error }, 'could not start');
  process.exit(1);
};
const db = createDb(config.DATABASE_URL!, { answerWithin: SERVER_DB_BOUNDS });
const { client: temporal, connection } = await connectOrExit(target, () => connectTemporalClient(target));
await ensureSearchAttributes(connection, target.namespace, (line) => logger.info(line)).catch(couldNotStart);
// Only for /readyz to report: the workers send the emails.
const smtp = config.SMTP_URL ? createSmtpMailer(config.SMTP_URL, 'k2flow readiness') : undefined;
const server = await createHttpServer({
  db,
  temporal,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  scheduleUnit: config.K2FLOW_SCHEDULE_UNIT,
  documentStore: documentStoreFrom(config, '.k2flow'),
  metricsToken: config.K2FLOW_METRICS_TOKEN,
  documentMaxBytes: config.K2FLOW_DOCUMENT_MAX_MB * 1024 * 1024,
  ...(await authFromConfig(config, db, config.K2FLOW_AUTH_SECRET!, logger).catch(couldNotStart)),
  smtp,
  logger,
});
await server.listen({ port: config.PORT, host: config.HOST }).catch(couldNotStart);
logger.info({ publicUrl: config.PUBLIC_URL }, `k2flow server on http://${config.HOST}:${config.PORT}`);

/**
 * SIGTERM (an orchestrator's stop) or SIGINT: stop listening and close idle connections, let the
 * requests in flight finish (each connection closed after its answer), then close Temporal and the
 * database. A stop that takes longer than K2FLOW_SHUTDOWN_TIMEOUT_SECONDS exits anyway.
 */
async function stop(signal: string) {
  logger.info({ signal }, 'stopping: finishing requests in flight');
  await server.close();
  await connection.close();
  await db.$disconnect();
  smtp?.close();
  await shutdownTracing();
  logger.info('k2flow server stopped');
  logger.flush();
}
onStopSignal((signal) => void stop(signal), { logger, deadlineMs: config.K2FLOW_SHUTDOWN_TIMEOUT_SECONDS * 1000 });
