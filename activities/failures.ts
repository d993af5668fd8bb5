import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';

/**
 * Prisma errors no retry can cure, by code, with the failure type an admin sees in the history:
 * the row is not there, a reference points nowhere, or the value cannot be stored. Everything
 * else (connections, pool and statement timeouts, deadlocks, serialization conflicts, SMTP)
 * stays retryable: it may pass once the database or the mail server is back.
 */
const permanentPrismaErrors: Record<string, string> = {
  P2025: 'RecordNotFound',
  P2001: 'RecordNotFound',
  P2003: 'ForeignKeyViolation',
  P2000: 'ValueTooLong',
  P2011: 'NullConstraintViolation',
  P2012: 'MissingRequiredValue',
  P2023: 'InvalidData',
};

/** The failure to report for an activity's error: a typed non-retryable one when retrying is pointless, else the error itself. */
export function classifyActivityError(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof ZodError) {
    return ApplicationFailure.create({ type: 'InvalidInput', message: `Invalid input: ${error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`, nonRetryable: true, cause: error });
  }
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && permanentPrismaErrors[code]) {
    return ApplicationFailure.create({ type: permanentPrismaErrors[code], message: `${code}: ${String(message)}`, nonRetryable: true, cause: error as Error });
  }
  return error;
}

/** Each activity, reporting its errors classified (see classifyActivityError). */
export function withClassifiedFailures<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, run]) => [
      name,
      async (...args: never[]) => {
        try {
          return await run(...args);
        } catch (error) {
          throw classifyActivityError(error);
        }
      },
    ]),
  ) as T;
}
