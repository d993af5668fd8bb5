import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from '../../auth/create-auth';
import { resolveIdentity, type Identity } from '../../auth/identity';
import { roleMay, type Permission } from '../../auth/roles';
import type { Db } from '../../db/prisma-client';
import { DomainError } from '../../domain/domain-error';

/**
 * How a route is reached. Every route declares one, or the server refuses to start:
 * - a Permission: a signed-in person (session cookie or API key) whose role grants it;
 * - 'approval-link': the approver's own link is the credential (checked by the route);
 * - 'public': nothing to protect (health, sign-in, the API description).
 */
export type Access = Permission | 'approval-link' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    identity: Identity | null;
  }
}

const unsafe = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);

/** The signed-in person of a route that declared a permission (the guard has run). */
export function identityOf(request: FastifyRequest): Identity {
  if (!request.identity) throw new DomainError('UNAUTHENTICATED', 'Sign in, or send an API key as Authorization: Bearer <key>.');
  return request.identity;
}

/**
 * Authenticates and authorises each request before its handler runs. Cookie sessions must also
 * prove the request came from k2flow's own pages (a CSRF token) for anything that changes state;
 * API keys travel in a header no other site can set, so they need none.
 */
export function installGuard(app: FastifyInstance, { auth, db }: { auth: Auth; db: Db }): RouteAccess[] {
  const table: RouteAccess[] = [];
  app.decorateRequest('identity', null);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) throw new Error(`Route ${route.method} ${route.url} declares no access; every route must (see client/http/guard.ts).`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push({ method, url: route.url, access });
  });
  // Before the body is read: a caller without the right identity learns nothing about its input.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const access = request.routeOptions.config.access;
    if (access === 'public' || access === 'approval-link') return;
    // Unmatched routes (404) have no access setting: nothing to guard.
    if (!access) return;
    const result = await resolveIdentity(auth, db, request.headers);
    if ('problem' in result) {
      if (result.problem === 'no-role') throw new DomainError('FORBIDDEN', 'Your account has no role in k2flow yet; ask an admin to give you one.');
      throw new DomainError('UNAUTHENTICATED', result.problem === 'missing' ? 'Sign in, or send an API key as Authorization: Bearer <key>.' : 'Your session or API key is not valid (expired, revoked or mistyped).');
    }
    request.identity = result.identity;
    if (!roleMay(result.identity.role, access)) {
      throw new DomainError('FORBIDDEN', `Your role (${result.identity.role}) may not ${access === 'manage' ? 'manage people and keys' : access === 'act' ? 'change applications' : 'read this'}.`);
    }
  });
  // After the body is read, since a page's form carries its token in the body, and before the body
  // is validated, so a request without the token learns nothing about what its input should be.
  // A multipart body is read later, by its own routes' scope (uploads.ts): its token is checked
  // once it has been, before the handler looks at the upload.
  const needsToken = (request: FastifyRequest) => !!request.identity?.sessionId && unsafe(request.method);
  const isMultipart = (request: FastifyRequest) => (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (needsToken(request) && !isMultipart(request)) await checkCsrf(app, request, reply);
  });
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (needsToken(request) && isMultipart(request)) await checkCsrf(app, request, reply);
  });
  return table;
}

/** One row of the route table: what tests walk to prove every route is guarded. */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

/**
 * What a CSRF token is bound to: the session it was issued in, or (for the sign-in forms, before
 * there is one) this fixed value, so the token still pairs with the browser's secret cookie.
 * Never empty: @fastify/csrf refuses every token bound to an empty value.
 */
export const csrfBinding = (request: FastifyRequest) => request.identity?.sessionId ?? 'signed-out';

/** A CSRF token for a form or script of the person making this request. */
export const csrfTokenFor = (request: FastifyRequest, reply: FastifyReply) => reply.generateCsrf({ userInfo: csrfBinding(request) });

/** Resolves when the request carries a valid CSRF token; rejects with the plugin's error (answered 403) otherwise. */
export function checkCsrf(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  return new Promise((resolve, reject) => {
    // The plugin refuses by sending the error on the reply and never calling back; take that send as the refusal.
    const refusing = Object.create(reply, { send: { value: (error: Error) => reject(error) } }) as FastifyReply;
    app.csrfProtection(request, refusing, (error?: Error) => (error ? reject(error) : resolve()));
  });
}
