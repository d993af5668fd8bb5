import type { z } from 'zod';

/** Every failure k2flow explains to a person has one of these codes; each boundary maps them once. */
export const domainErrorCodes = [
  'VALIDATION',
  'NOT_FOUND',
  'LINK_UNKNOWN',
  'LINK_INVALID',
  'LINK_EXPIRED',
  'REQUEST_CLOSED',
  'DEADLINE_PASSED',
  'ALREADY_DECIDED',
  'CONFLICT',
  /** An Idempotency-Key used again with a different request. */
  'IDEMPOTENCY_MISMATCH',
  'UNAVAILABLE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
] as const;
export type DomainErrorCode = (typeof domainErrorCodes)[number];

export interface FieldProblem {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

/** Each zod issue as the API names it: the field's path and an English sentence. */
export const fieldProblems = (issues: z.core.$ZodIssue[]): FieldProblem[] =>
  issues.map((issue) => ({
    path: issue.path.length ? issue.path.join('.') : '(root)',
    message: issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? 'is required' : issue.message,
  }));

/** Parses untrusted input with a schema, or throws a VALIDATION DomainError naming every wrong field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, raw: unknown, summary: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = fieldProblems(parsed.error.issues);
  throw new DomainError('VALIDATION', `${summary}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
}
