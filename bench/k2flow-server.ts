// The k2flow HTTP server, as `npm run server` assembles it (client/http/main.ts), in its own process
// so its CPU and statements are its own. It also puts the benchmark's coordinator in k2flow and
// issues their API keys.
import { sampleProcess } from './process-meter';
import { randomBytes, randomUUID } from 'node:crypto';
import { createAuth } from '../auth/create-auth';
import { createPeopleService } from '../auth/people';
import { createHttpServer } from '../client/http/server';
import { connectTemporalClient } from '../client/services/temporal-connection';
import { createDb } from '../db/prisma-client';
import { createLogger } from '../observability/logger';
import { requiredEnv } from './env';
import { serveParent } from './ipc';

const port = Number(requiredEnv('BENCH_PORT'));
const publicUrl = requiredEnv('BENCH_PUBLIC_URL');
const secret = requiredEnv('BENCH_SECRET');
const db = createDb(requiredEnv('BENCH_DATABASE_URL'));
const { client: temporal, connection } = await connectTemporalClient({ address: requiredEnv('BENCH_TEMPORAL_ADDRESS') });
const logger = createLogger({ name: 'k2flow-server', level: 'warn', destination: process.stderr });
const auth = createAuth({ db, secret, publicUrl, logger });
const server = await createHttpServer({
  db,
  temporal,
  auth,
  secret,
  publicUrl,
  taskQueue: requiredEnv('BENCH_TASK_QUEUE'),
  // One "working day" of reminders and escalations lasts an hour: none falls within the benchmark.
  scheduleUnit: { kind: 'fixed', ms: Number(requiredEnv('BENCH_SCHEDULE_UNIT_MS')) },
  // Every party's browser has its own address (X-Forwarded-For from a trusted proxy), so the
  // per-address limit on approval links applies per party, as it does in production.
  trustProxy: true,
  // Request lines are dropped (no terminal to print them to); warnings and failures are shown.
  logger,
});
await server.listen({ port, host: '127.0.0.1' });

const people = createPeopleService({ auth, db });
const tag = randomUUID().slice(0, 8);
const coordinator = await people.create(
  { email: `bench-coordinator-${tag}@k2flow.local`, name: 'Benchmark coordinator', role: 'coordinator', office: 'k2', password: randomBytes(18).toString('base64url') },
  'npm run bench',
);

serveParent(
  { baseUrl: `http://127.0.0.1:${port}` },
  async (request) => {
    if (request.kind === 'sample') return sampleProcess(request.resetPeak);
    if (request.kind === 'issue-key') return (await people.issueKey(coordinator.id, { name: `bench ${new Date().toISOString()}` }, 'npm run bench')).key;
    throw new Error('unknown request');
  },
  async () => {
    await server.close();
    await connection.close();
    await db.$disconnect();
  },
);
