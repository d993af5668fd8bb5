import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, isDomainError, type DomainErrorCode } from '../../domain/domain-error';
import { isDatabaseUnavailable } from '../../db/unavailable';
import { isTemporalUnavailable } from '../services/temporal-errors';

export const statusOf: Record<DomainErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  LINK_INVALID: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  LINK_UNKNOWN: 404,
  REQUEST_CLOSED: 410,
  DEADLINE_PASSED: 410,
  ALREADY_DECIDED: 409,
  CONFLICT: 409,
  // As draft-ietf-httpapi-idempotency-key-header says for a key reused with another payload.
  IDEMPOTENCY_MISMATCH: 422,
  LINK_EXPIRED: 410,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

/** Seconds a client should wait after a 503 before trying again. */
export const RETRY_AFTER_UNAVAILABLE = 5;

const fastifyCodes: Record<string, DomainError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: new DomainError('TOO_LARGE', 'The request body is too large.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as JSON with Content-Type: application/json.'),
  FST_ERR_CTP_INVALID_JSON_BODY: new DomainError('VALIDATION', 'The request body is not valid JSON.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: new DomainError('VALIDATION', 'The request body is empty; send a JSON object.'),
  FST_ERR_BAD_URL: new DomainError('VALIDATION', 'The request path is not valid (malformed percent-encoding).'),
  FST_ERR_MAX_PARAM_LENGTH: new DomainError('VALIDATION', 'A part of the request path is too long.'),
  // Uploads (@fastify/multipart): the limits are checked while the file arrives.
  FST_REQ_FILE_TOO_LARGE: new DomainError('TOO_LARGE', 'The file is larger than k2flow takes (K2FLOW_DOCUMENT_MAX_MB).'),
  FST_FILES_LIMIT: new DomainError('TOO_LARGE', 'Send one file per upload.'),
  FST_PARTS_LIMIT: new DomainError('TOO_LARGE', 'The upload has more parts than k2flow reads: one file and its few fields.'),
  FST_FIELDS_LIMIT: new DomainError('TOO_LARGE', 'The upload has more fields than k2flow reads: one file and its few fields.'),
  FST_INVALID_MULTIPART_CONTENT_TYPE: new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data.'),
  FST_PROTO_VIOLATION: new DomainError('VALIDATION', 'The upload names a field k2flow does not take.'),
  FST_MP_PREMATURE_CLOSE: new DomainError('VALIDATION', 'The upload ended before the whole file arrived.'),
  FST_CSRF_MISSING_SECRET: new DomainError('FORBIDDEN', 'The form has expired or did not come from k2flow; reload the page and try again.'),
  FST_CSRF_INVALID_TOKEN: new DomainError('FORBIDDEN', 'The form has expired or did not come from k2flow; reload the page and try again.'),
};

/**
 * What a failure means to the caller, as a DomainError; null for a fault of ours (logged, 500).
 * Validation problems name each field; outages of Temporal or the database answer 503.
 */
export function explain(error: unknown, invalidSummary = 'The request is invalid'): DomainError | null {
  if (isDomainError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const problems = error.validation.map((v) => {
      const path = v.instancePath.split('/').filter(Boolean).join('.');
      // Body fields are named as in the documents; path and query parameters by their part.
      const where = error.validationContext === 'body' ? path : [error.validationContext, path].filter(Boolean).join('.');
      return { path: where || '(root)', message: v.message ?? 'is invalid' };
    });
    return new DomainError('VALIDATION', `${invalidSummary}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
  }
  if (isTemporalUnavailable(error)) return new DomainError('UNAVAILABLE', 'The workflow service cannot be reached right now; try again shortly.');
  if (isDatabaseUnavailable(error)) return new DomainError('UNAVAILABLE', 'The database cannot be reached right now; try again shortly.');
  // busboy's own errors (a multipart body cut short, or without its boundary) carry no code.
  if (error instanceof Error && /^(Unexpected end of (form|multipart data)|Boundary not found|Malformed part header|Multipart: )/.test(error.message)) {
    return new DomainError('VALIDATION', 'The upload is not well-formed multipart/form-data (cut short, or without its boundary).');
  }
  const fe = error as Partial<FastifyError>;
  if (fe.code && fastifyCodes[fe.code]) return fastifyCodes[fe.code]!;
  if (fe.code === 'RATE_LIMITED') return new DomainError('RATE_LIMITED', fe.message ?? 'Too many requests; try again later.');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new DomainError(fe.statusCode === 413 ? 'TOO_LARGE' : fe.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION', 'The request cannot be processed as sent.');
  }
  return null;
}

/** The JSON error of every API answer; a fault of ours (no DomainError) is INTERNAL. */
export const errorBody = (error: DomainError | null, requestId: string) => ({
  error: error
    ? { code: error.code, message: error.message, ...(error.problems.length ? { problems: error.problems } : {}), requestId }
    : { code: 'INTERNAL', message: 'Something went wrong on our side; it has been logged.', requestId },
});

/** How every rate limit answers: a RATE_LIMITED error the error handler turns into 429 with Retry-After. */
export const rateLimitSettings = {
  global: false,
  errorResponseBuilder: (_req: unknown, ctx: { ttl: number }) =>
    Object.assign(new Error(`Too many requests; try again in ${Math.ceil(ctx.ttl / 1000)} s.`), { statusCode: 429, code: 'RATE_LIMITED' }),
};
