import { fromNodeHeaders } from 'better-auth/node';
import type { IncomingHttpHeaders } from 'node:http';
import type { Db } from '../db/prisma-client';
import type { Actor } from '../domain/actor';
import { getSessionCookie } from 'better-auth/cookies';
import { COOKIE_PREFIX, type Auth } from './create-auth';
import { isRole, type Role } from './roles';

/** A signed-in person as one request sees them. */
export interface Identity {
  userId: string;
  name: string;
  email: string;
  role: Role;
  office: string | null;
  via: Actor['via'];
  /** The session behind a cookie (for CSRF binding); null for an API key. */
  sessionId: string | null;
  /** The API key used, for per-key rate limits; null for a session. */
  apiKeyId: string | null;
}

export type IdentityResult = { identity: Identity } | { problem: 'missing' | 'invalid' | 'no-role' };

const bearer = (headers: IncomingHttpHeaders): string | null => {
  const value = headers.authorization;
  if (!value) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match ? match[1]! : '';
};

/**
 * Who is calling: an API key in `Authorization: Bearer …`, or else the session cookie. A key that
 * is presented but wrong is an error, never a fall-back to the cookie.
 */
export async function resolveIdentity(auth: Auth, db: Db, headers: IncomingHttpHeaders): Promise<IdentityResult> {
  const key = bearer(headers);
  if (key !== null) {
    if (!key) return { problem: 'invalid' };
    // better-auth finds the key by its hash, so comparing the secret leaks no timing.
    const verified = await auth.api.verifyApiKey({ body: { key } });
    if (!verified.valid || !verified.key) {
      await databaseAnswers(db);
      return { problem: 'invalid' };
    }
    const user = await db.user.findUnique({ where: { id: verified.key.referenceId }, select: { id: true, name: true, email: true, role: true, office: true, banned: true } });
    if (!user || user.banned) return { problem: 'invalid' };
    if (!isRole(user.role)) return { problem: 'no-role' };
    return { identity: { userId: user.id, name: user.name, email: user.email, role: user.role, office: user.office, via: 'api-key', sessionId: null, apiKeyId: verified.key.id } };
  }
  const webHeaders = fromNodeHeaders(headers);
  // No cookie of ours: nothing to look up (better-auth's own reader, so a renamed or __Secure- cookie is found alike).
  if (!getSessionCookie(webHeaders, { cookiePrefix: COOKIE_PREFIX })) return { problem: 'missing' };
  const session = await auth.api.getSession({ headers: webHeaders }).catch(async (error: unknown) => {
    await databaseAnswers(db);
    throw error;
  });
  if (!session) {
    await databaseAnswers(db);
    return { problem: 'invalid' };
  }
  const { user } = session;
  if (user.banned) return { problem: 'invalid' };
  if (!isRole(user.role)) return { problem: 'no-role' };
  return {
    identity: {
      userId: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      office: user.office ?? null,
      via: session.session.authMethod === 'oidc' ? 'oidc' : 'password',
      sessionId: session.session.id,
      apiKeyId: null,
    },
  };
}

/**
 * better-auth answers a key lookup that failed on the database as "not valid", and a session
 * lookup as a bare 500 without its cause. Before a refusal or a failure is believed, the database
 * must answer: while it is down this throws its error, which the server answers with 503.
 */
async function databaseAnswers(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}

export const actorOf = (identity: Identity, requestId: string): Actor => ({ userId: identity.userId, name: identity.name, email: identity.email, via: identity.via, requestId });
