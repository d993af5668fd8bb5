import { z } from 'zod';
import type { ScheduleUnit } from '../workflows/calendar/schedule';
import { LOG_LEVELS } from '../observability/logger';

// Empty strings count as "not set": a blank line in an env file must not become a value.
const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));
const text = (fallback: string) => optional.transform((v) => v ?? fallback);
const port = (fallback: number) =>
  optional.transform((v, ctx) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n > 65535) {
      ctx.addIssue({ code: 'custom', message: `must be a port number (0-65535), got "${v}"` });
      return z.NEVER;
    }
    return n;
  });
const httpUrl = (fallback: string) =>
  text(fallback).pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }));

/** "working-day" (default), or "fixed:<ms>" to let one working day of schedules last <ms> (demos, tests). */
const scheduleUnit = optional.transform((v, ctx): ScheduleUnit => {
  if (v === undefined || v === 'working-day') return { kind: 'working-day' };
  const ms = /^fixed:(\d+)$/.exec(v)?.[1];
  if (ms && Number(ms) >= 100) return { kind: 'fixed', ms: Number(ms) };
  ctx.addIssue({ code: 'custom', message: `must be "working-day" or "fixed:<milliseconds of at least 100>", got "${v}"` });
  return z.NEVER;
});

/** host:port with a port from 1 to 65535. */
const hostPort = (example: string) =>
  z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, `must be host:port, e.g. ${example}`)
    .refine((v) => Number(v.split(':')[1]) >= 1 && Number(v.split(':')[1]) <= 65535, `must be host:port with a port from 1 to 65535, e.g. ${example}`);

/** "true" or "false" (a coerced boolean would make "false" true). */
const flag = (fallback: boolean) =>
  optional.transform((v, ctx) => {
    if (v === undefined) return fallback;
    if (v === 'true' || v === 'false') return v === 'true';
    ctx.addIssue({ code: 'custom', message: `must be "true" or "false", got "${v}"` });
    return z.NEVER;
  });

/** A whole number within bounds, or the fallback (undefined: the SDK's own default). */
const count = (fallback: number | undefined, min: number, max: number) =>
  optional.transform((v, ctx) => {
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}, got "${v}"` });
      return z.NEVER;
    }
    return Number(v);
  });

// Each process reads the settings it uses: a bad OIDC_ISSUER stops the server, never a worker.
const database = { DATABASE_URL: optional };
const temporal = {
  TEMPORAL_ADDRESS: optional,
  TEMPORAL_NAMESPACE: text('default'),
  TEMPORAL_TASK_QUEUE: text('k2flow'),
};
/** Signs session cookies and seals the outbox; npm start makes one in the data folder when unset. */
const secret = { K2FLOW_AUTH_SECRET: optional.pipe(z.string().min(32, 'must be at least 32 characters').optional()) };
/** Links in emails are built from it, and the server's own address is checked against it. */
const publicUrl = { PUBLIC_URL: httpUrl('http://localhost:3000').transform((u) => u.replace(/\/+$/, '')) };
const mail = {
  SMTP_URL: optional,
  MAIL_FROM: text('k2flow <no-reply@k2flow.local>'),
};
const http = {
  HOST: text('127.0.0.1'),
  PORT: port(3000),
  K2FLOW_SCHEDULE_UNIT: scheduleUnit,
  /** The office's OpenID Connect provider; sign-in through it is offered when all three are set. */
  OIDC_ISSUER: optional.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
  OIDC_CLIENT_ID: optional,
  OIDC_CLIENT_SECRET: optional,
  /** Behind a reverse proxy: take the client's address from X-Forwarded-For (for rate limits). */
  TRUST_PROXY: flag(false),
  /** The bearer token Prometheus scrapes the server's /metrics with; unset: no metrics. */
  K2FLOW_METRICS_TOKEN: optional.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
};
/** Where documents' contents are kept (storage/): a folder (the default) or an S3-compatible bucket. */
const documents = {
  K2FLOW_DOCUMENT_STORE: optional.pipe(z.enum(['folder', 's3'], { message: 'must be "folder" or "s3"' }).optional()).transform((v) => v ?? 'folder'),
  /** The folder store's folder (relative to the working directory); `documents` in the data folder by default. */
  K2FLOW_DOCUMENTS_DIR: optional,
  /** The largest document k2flow takes, in megabytes. */
  K2FLOW_DOCUMENT_MAX_MB: optional.transform((v, ctx) => {
    if (v === undefined) return 25;
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1024) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number of megabytes from 1 to 1024, got "${v}"` });
      return z.NEVER;
    }
    return Number(v);
  }),
  S3_BUCKET: optional,
  /** An S3-compatible server (MinIO, Ceph); unset for AWS S3 itself. */
  S3_ENDPOINT: optional.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
  S3_REGION: text('us-east-1'),
  /** Bucket in the path (MinIO and most self-hosted stores); "false" for virtual-hosted buckets. */
  S3_FORCE_PATH_STYLE: flag(true),
  /** Prepended to every key, so one bucket can serve several installations. */
  S3_PREFIX: optional,
};
/** How much one worker takes on at once (worker/create-worker.ts; README "Performance" has the figures). */
const workerTuning = {
  K2FLOW_WORKER_MAX_ACTIVITIES: count(20, 1, 1000),
  K2FLOW_WORKER_MAX_WORKFLOW_TASKS: count(40, 2, 1000),
  /** Workflows kept in memory between their tasks (sticky cache); unset: the SDK's default for the machine's memory. */
  K2FLOW_WORKER_CACHED_WORKFLOWS: count(undefined, 0, 100_000),
  /** Where the Temporal SDK's Prometheus exporter listens (host:port, e.g. 127.0.0.1:9464); unset: no worker metrics. */
  K2FLOW_WORKER_METRICS_ADDRESS: optional.pipe(hostPort('127.0.0.1:9464').optional()),
  /** Worker Versioning (README "Rolling out a change"): the Worker Deployment this worker belongs to; unset: unversioned. */
  K2FLOW_WORKER_DEPLOYMENT_NAME: optional.pipe(z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/, 'must be letters, digits, "_", "." or "-"').optional()),
  /** This worker's build id in that deployment; the workflow bundle's hash (its first 12 characters) by default. */
  K2FLOW_WORKER_BUILD_ID: optional.pipe(z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/, 'must be letters, digits, "_", "." or "-"').optional()),
  /** What running workflows do when a newer version becomes current: move to it at their next task ("auto-upgrade", the default) or stay ("pinned"). */
  K2FLOW_WORKER_VERSIONING_BEHAVIOR: optional.pipe(z.enum(['auto-upgrade', 'pinned'], { message: 'must be "auto-upgrade" or "pinned"' }).optional()).transform((v) => v ?? 'auto-upgrade'),
  /** Where the worker answers /healthz and /readyz (host:port, e.g. 0.0.0.0:3001); unset: no health endpoints. */
  K2FLOW_WORKER_HEALTH_ADDRESS: optional.pipe(hostPort('0.0.0.0:3001').optional()),
};
/** What `npm start` adds: the embedded parts' ports and folder. */
const embedded = {
  TEMPORAL_CLI_PATH: optional,
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  SMTP_PORT: port(2525),
  K2FLOW_DATA_DIR: text('.k2flow'),
};

/** How each process logs (observability/logger.ts). */
const logging = {
  K2FLOW_LOG_LEVEL: optional.pipe(z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).optional()).transform((v) => v ?? 'info'),
  /** "json" (one object per line) or "pretty"; unset: pretty in a terminal, JSON otherwise. */
  K2FLOW_LOG_FORMAT: optional.pipe(z.enum(['json', 'pretty'], { message: 'must be "json" or "pretty"' }).optional()),
};

/** How long a stopping process lets work in flight finish: the server's requests, the worker's activities. */
const shutdown = { K2FLOW_SHUTDOWN_TIMEOUT_SECONDS: count(30, 1, 3600).transform((v) => v ?? 30) };
/** The server sends no email; given the workers' SMTP server, its /readyz reports whether it answers. */
const smtpToReport = { SMTP_URL: optional };

/** `npm run migrate`. */
export const migrateConfig = z.object(database);
/** `npm run worker`: workflows, activities and the outbox relay. */
export const workerConfig = z.object({ ...database, ...temporal, ...secret, ...publicUrl, ...mail, ...workerTuning, ...logging, ...shutdown });
/** `npm run server`: the HTTP API and pages. */
export const serverConfig = z
  .object({ ...database, ...temporal, ...secret, ...publicUrl, ...http, ...documents, ...logging, ...shutdown, ...smtpToReport })
  .refine((c) => c.K2FLOW_DOCUMENT_STORE !== 's3' || !!c.S3_BUCKET, { path: ['S3_BUCKET'], message: 'is needed when K2FLOW_DOCUMENT_STORE is "s3"' });
/** `npm start`: everything in one process, with embedded defaults. */
const appConfigSchema = z
  .object({ ...database, ...temporal, ...secret, ...publicUrl, ...mail, ...http, ...documents, ...workerTuning, ...logging, ...shutdown, ...embedded })
  .refine((c) => c.K2FLOW_DOCUMENT_STORE !== 's3' || !!c.S3_BUCKET, { path: ['S3_BUCKET'], message: 'is needed when K2FLOW_DOCUMENT_STORE is "s3"' });

/**
 * The environment variables each standalone process reads through its schema, by name: deployment
 * files are checked against them (test/unit/deployment-files.test.ts), so a variable no process
 * reads fails a test instead of silently setting nothing. Temporal's own connection variables
 * (TEMPORAL_API_KEY, TEMPORAL_TLS_*, …) come from `temporalEnvNames` in client/services/temporal-target.ts.
 */
export const settingNames = {
  migrate: Object.keys(migrateConfig.shape),
  worker: Object.keys(workerConfig.shape),
  server: Object.keys(serverConfig.shape),
} as const;

export type AppConfig = z.infer<typeof appConfigSchema>;
export type WorkerConfig = z.infer<typeof workerConfig>;
export type ServerConfig = z.infer<typeof serverConfig>;

/**
 * Parses the process environment once, for the settings `schema` names (all of them by default);
 * a bad value stops start-up with every problem named.
 */
export function loadConfig(env?: NodeJS.ProcessEnv): AppConfig;
export function loadConfig<S extends z.ZodType>(env: NodeJS.ProcessEnv | undefined, schema: S): z.infer<S>;
export function loadConfig(env: NodeJS.ProcessEnv = process.env, schema: z.ZodType = appConfigSchema): unknown {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return parsed.data;
}

/** For a process's start: its settings, or every problem with them on stderr and exit code 2 (no stack trace). */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return loadConfig(env, schema);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}
