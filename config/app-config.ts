import { z } from 'zod';
import type { ScheduleUnit } from '../workflows/calendar/schedule';

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

/** "true" or "false" (a coerced boolean would make "false" true). */
const flag = (fallback: boolean) =>
  optional.transform((v, ctx) => {
    if (v === undefined) return fallback;
    if (v === 'true' || v === 'false') return v === 'true';
    ctx.addIssue({ code: 'custom', message: `must be "true" or "false", got "${v}"` });
    return z.NEVER;
  });

const appConfigSchema = z.object({
  DATABASE_URL: optional,
  TEMPORAL_ADDRESS: optional,
  TEMPORAL_NAMESPACE: text('default'),
  TEMPORAL_TASK_QUEUE: text('k2flow'),
  TEMPORAL_CLI_PATH: optional,
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  SMTP_URL: optional,
  SMTP_PORT: port(2525),
  MAIL_FROM: text('k2flow <no-reply@k2flow.local>'),
  PUBLIC_URL: httpUrl('http://localhost:3000').transform((u) => u.replace(/\/+$/, '')),
  HOST: text('127.0.0.1'),
  PORT: port(3000),
  K2FLOW_DATA_DIR: text('.k2flow'),
  K2FLOW_SCHEDULE_UNIT: scheduleUnit,
  /** Signs session cookies; npm start makes one in the data folder when unset. */
  K2FLOW_AUTH_SECRET: optional.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  /** The office's OpenID Connect provider; sign-in through it is offered when all three are set. */
  OIDC_ISSUER: optional.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
  OIDC_CLIENT_ID: optional,
  OIDC_CLIENT_SECRET: optional,
  /** Behind a reverse proxy: take the client's address from X-Forwarded-For (for rate limits). */
  TRUST_PROXY: flag(false),
});

export type AppConfig = z.infer<typeof appConfigSchema>;

/** Parses the process environment once; a bad value stops start-up with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = appConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return parsed.data;
}
