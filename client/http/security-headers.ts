import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import helmet from 'helmet';
import { pageDirectives } from './content-security';

/** A header's name (lower case) and value, as every answer of k2flow carries it. */
export type SecurityHeaders = Record<string, string>;

/**
 * The security headers of every answer, helmet's with k2flow's settings (no scripts, no frames,
 * no referrer) and `no-store`. They are the same for every request, so they are worked out once:
 * Fastify answers a malformed path or request before any hook runs, and those answers carry
 * them too.
 */
export function securityHeaders({ https }: { https: boolean }): SecurityHeaders {
  const headers: SecurityHeaders = { 'cache-control': 'no-store' };
  const collect = { setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = String(value)), removeHeader: () => undefined };
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: pageDirectives },
    frameguard: { action: 'deny' },
    noSniff: true,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    hsts: https,
    // Helmet 8 throws a bad setting rather than passing it on.
  })({} as IncomingMessage, collect as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * The answer to bytes that are not an HTTP request Fastify can read (a broken request line, headers
 * over the limit, a request too slow to arrive), written to the socket as Fastify's own would be
 * (and logged as it logs them, at trace: they are mostly the network's doing), in the shape of
 * k2flow's other errors and with the same headers.
 */
export function answerMalformedRequest(error: Error & { code?: string }, socket: Duplex, headers: SecurityHeaders, log: FastifyBaseLogger): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, label, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'timeout', 'The request took too long to arrive.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'header_overflow', "The request's headers are larger than k2flow reads."]
        : [400, 'Bad Request', 'error', 'The request is not well-formed HTTP.'];
  log.trace({ err: error }, `client ${label}`);
  const body = JSON.stringify({ error: { code: 'VALIDATION', message } });
  const lines = Object.entries({ ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).map(([name, value]) => `${name}: ${value}`);
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${reason}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
  socket.destroy(error);
}
