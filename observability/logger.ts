import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly LevelWithSilent[];
export type LogLevelName = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  /** The process: k2flow-server, k2flow-worker, k2flow (npm start). */
  name: string;
  level?: LogLevelName;
  /** Unset: pretty when standard output is a terminal, JSON lines otherwise (K2FLOW_LOG_FORMAT). */
  format?: LogFormat;
  /** Where the lines go (tests collect them); standard output by default. */
  destination?: DestinationStream;
}

/**
 * Fields that hold credentials wherever they appear in a logged object: removed, not masked, so
 * not even their length is written. The paths are pino's redaction paths (fast-redact).
 */
const CREDENTIAL_FIELDS = ['authorization', 'cookie', 'password', 'secret', 'token', 'apiKey', 'clientSecret'];
const CREDENTIAL_PATHS = [
  ...CREDENTIAL_FIELDS,
  ...CREDENTIAL_FIELDS.map((f) => `*.${f}`),
  ...['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'headers.authorization', 'headers.cookie', 'headers["set-cookie"]'],
];

/**
 * The last guard before a line is written, for credentials inside text (an error message quoting a
 * URL, a library's message): approval links' tokens, bearer credentials and passwords in URLs.
 * Fields are redacted by name above; this catches what a message carries by accident.
 */
export function scrubCredentials(line: string): string {
  return line
    .replace(/\/approvals\/(?!:token)[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, '/approvals/:token')
    .replace(/\b(Bearer|Basic)\s+[^\s"',;]+/gi, '$1 [redacted]')
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"]+):[^\s@/"]+@/gi, '$1:***@');
}

/**
 * A process's logger: JSON lines (one object per line, ISO time, level as a word) for log
 * collectors, or pino-pretty's coloured lines in a terminal. Credentials never reach the output
 * (see CREDENTIAL_PATHS and scrubCredentials); callers log route patterns, never raw paths.
 */
export function createLogger({ name, level = 'info', format, destination }: LoggerOptions): Logger {
  const chosen = format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const stream = destination ?? (chosen === 'pretty' ? pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name', sync: true }) : pino.destination({ fd: 1, sync: false }));
  return pino(
    {
      name,
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: CREDENTIAL_PATHS, remove: true },
      hooks: { streamWrite: scrubCredentials },
      mixin: traceOfTheMoment,
    },
    stream,
  );
}

/**
 * The trace a line is written in (an activity's, a request handler's), so logs and traces meet
 * in the operator's tools; nothing while tracing is off (observability/tracing.ts).
 */
function traceOfTheMoment(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
}

/** The logger of processes and tests that want none. */
export const silentLogger: Logger = pino({ level: 'silent' });
