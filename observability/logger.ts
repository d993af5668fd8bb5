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
 * Names of fields that hold credentials (or, as a parser's raw packet or Temporal's task token,
 * carry them or act as one): any key ending so, in any case, with or without - and _
 * (`Authorization`, `x-api-key`, `accessToken`, `client_secret`, `set-cookie`, `rawPacket`).
 */
const CREDENTIAL_KEY = /(authorization|cookie|password|passwd|secret|token|apikey|credentials?|rawpacket)$/;
const isCredentialKey = (key: string) => CREDENTIAL_KEY.test(key.toLowerCase().replace(/[-_]/g, ''));
/** How deep a logged object is looked into; deeper parts are replaced by a note. */
const MAX_DEPTH = 8;

/**
 * A logged object as it may be written: every field named like a credential removed, at any
 * depth (not masked, so not even its length is written), errors first turned into plain objects
 * by pino's serializer, so their own fields (a request's raw bytes among them) are looked at too.
 */
export function withoutCredentials(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value instanceof Error) value = { ...pino.stdSerializers.err(value) };
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[deeper than logged]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => withoutCredentials(item, depth + 1, seen));
  if (value instanceof Date) return value;
  // Anything else that is not plain data (a request, a socket, bytes) is named, not walked.
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return `[${(value).constructor?.name ?? 'object'}]`;
  const kept: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (!isCredentialKey(key)) kept[key] = withoutCredentials(item, depth + 1, seen);
  return kept;
}

/**
 * The last guard before a line is written, for credentials inside text (an error message quoting a
 * URL, a library's message): approval links' tokens, k2flow's API keys, bearer credentials and
 * passwords in URLs. Fields are removed by name above; this catches what a message carries by
 * accident. It works on the JSON line, so it never swallows a backslash (an escape).
 */
export function scrubCredentials(line: string): string {
  return line
    .replace(/\/approvals\/(?!:token)[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, '/approvals/:token')
    .replace(/\bk2f_[A-Za-z0-9_-]+/g, 'k2f_[redacted]')
    .replace(/(?<![:/])\b(Bearer|Basic|Token)\s+[^\s"'\\,;]+/gi, '$1 [redacted]')
    .replace(URL_PASSWORD, '$1:***@');
}

/** A password in a URL (`scheme://user:password@host`); never a backslash, so a JSON escape stays whole. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"\\]+):[^\s@/"\\]+@/gi;

/** An address as it may be shown or logged (a database, SMTP or OTLP URL): its password replaced by ***. */
export const withoutUrlPassword = (url: string): string => url.replace(URL_PASSWORD, '$1:***@');

/** The format a process logs in: as K2FLOW_LOG_FORMAT says, else pretty in a terminal and JSON lines otherwise. */
export const logFormat = (format?: LogFormat): LogFormat => format ?? (process.stdout.isTTY ? 'pretty' : 'json');

/**
 * A process's logger: JSON lines (one object per line, ISO time, level as a word) for log
 * collectors, or pino-pretty's coloured lines in a terminal. Credentials never reach the output
 * (see withoutCredentials and scrubCredentials); callers log route patterns, never raw paths.
 */
export function createLogger({ name, level = 'info', format, destination }: LoggerOptions): Logger {
  const stream = destination ?? (logFormat(format) === 'pretty' ? pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name', sync: true }) : pino.destination({ fd: 1, sync: true }));
  return pino(
    {
      name,
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (object) => withoutCredentials(object) as Record<string, unknown> },
      // Errors are already plain objects here (withoutCredentials): pino's own err serializer would rename their type.
      serializers: { err: (error: unknown) => error },
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
