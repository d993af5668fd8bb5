// `npm run server`: the HTTP server alone, against TEMPORAL_ADDRESS and DATABASE_URL.
import { loadConfig, serverConfig } from '../../config/app-config';
import { createDb } from '../../db/prisma-client';
import { ensureSearchAttributes } from '../services/search-attributes';
import { connectTemporalClient } from '../services/temporal-connection';
import { connectOrExit, temporalTargetOrExit } from '../services/temporal-target';
import { authFromConfig } from './auth-from-config';
import { createHttpServer } from './server';
import { documentStoreFrom } from '../../storage/store-from-config';

const config = loadConfig(process.env, serverConfig);
const target = temporalTargetOrExit();
const missing = [...(target ? [] : ['TEMPORAL_ADDRESS (or a profile in TEMPORAL_CONFIG_FILE)']), ...(['DATABASE_URL', 'K2FLOW_AUTH_SECRET'] as const).filter((k) => !config[k])];
if (!target || missing.length) {
  console.error(`The standalone server needs ${missing.join(', ')}. (npm start runs everything with embedded defaults.)`);
  process.exit(2);
}
const db = createDb(config.DATABASE_URL!);
const { client: temporal, connection } = await connectOrExit(target, () => connectTemporalClient(target));
await ensureSearchAttributes(connection, target.namespace, (line) => console.log(`[k2flow] ${line}`)).catch((error: Error) => {
  console.error(`[k2flow] could not start: ${error.message}`);
  process.exit(1);
});
const server = await createHttpServer({
  db,
  temporal,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  scheduleUnit: config.K2FLOW_SCHEDULE_UNIT,
  documentStore: documentStoreFrom(config, '.k2flow'),
  metricsToken: config.K2FLOW_METRICS_TOKEN,
  documentMaxBytes: config.K2FLOW_DOCUMENT_MAX_MB * 1024 * 1024,
  ...(await authFromConfig(config, db, config.K2FLOW_AUTH_SECRET!).catch((error: Error) => {
    console.error(`[k2flow] could not start: ${error.message}`);
    process.exit(1);
  })),
  log: (line) => console.log(`[k2flow] ${line}`),
});
await server.listen({ port: config.PORT, host: config.HOST });
console.log(`k2flow server on http://${config.HOST}:${config.PORT}, public URL ${config.PUBLIC_URL}`);
const stop = async () => {
  await server.close();
  await connection.close();
  await db.$disconnect();
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
