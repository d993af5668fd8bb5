import type { ServerResponse } from 'node:http';
import { DomainError, type DomainErrorCode } from '../../domain/domain-error';

export const statusOf: Record<DomainErrorCode, number> = {
  VALIDATION: 400,
  LINK_INVALID: 403,
  NOT_FOUND: 404,
  LINK_UNKNOWN: 404,
  REQUEST_CLOSED: 410,
  DEADLINE_PASSED: 410,
  ALREADY_DECIDED: 409,
  CONFLICT: 409,
  LINK_EXPIRED: 410,
  UNAVAILABLE: 503,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** Pages that may show what a credential grants: no caching, no referrer, no framing, no scripts. */
export function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'x-robots-tag': 'noindex, nofollow',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  });
  res.end(html);
}

export function sendJsonError(res: ServerResponse, error: DomainError): void {
  sendJson(res, statusOf[error.code], {
    error: { code: error.code, message: error.message, ...(error.problems.length ? { problems: error.problems } : {}) },
  });
}
