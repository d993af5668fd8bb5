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
  'UNAVAILABLE',
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
