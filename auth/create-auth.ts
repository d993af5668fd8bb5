import { apiKey } from '@better-auth/api-key';
import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { admin, genericOAuth } from 'better-auth/plugins';
import type { Db } from '../db/prisma-client';
import type { Logger } from '../observability/logger';
import { isDatabaseUnavailable } from '../db/unavailable';
import { withHashedSessionTokens } from './hashed-session-tokens';
import { discoveryUrlOf } from './oidc-discovery';

export interface OidcSettings {
  /** The issuer URL; its discovery document is read from `/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export interface AuthSettings {
  db: Db;
  /** At least 32 characters; signs session cookies. */
  secret: string;
  /** Where people reach k2flow; cookies are Secure when it is https. */
  publicUrl: string;
  oidc?: OidcSettings;
  /** The process's logger, for better-auth's own errors; without one (the CLI), standard error. */
  logger?: Logger;
}

/** The provider id of the office's identity provider, as it appears in its callback URL. */
export const OIDC_PROVIDER_ID = 'office';
export const AUTH_BASE_PATH = '/api/auth';
export const API_KEY_PREFIX = 'k2f_';
export const COOKIE_PREFIX = 'k2flow';
/** The session cookie's name (better-auth prefixes it with `__Secure-` under https). */
export const SESSION_COOKIE = `${COOKIE_PREFIX}.session_token`;

/**
 * better-auth's logger: its errors (the only level it is given) as lines of the process's log, with
 * `component: "better-auth"`, or on standard error without one (the CLI). A refused key or password
 * is an answer to the caller, not an error of ours worth a line; a database outage is answered with
 * 503 and reported by /readyz: one short line, not a stack per request.
 */
export function betterAuthLogger(logger?: Logger) {
  const log = logger?.child({ component: 'better-auth' });
  const write = (fields: { err?: unknown; details?: unknown[] }, text: string) =>
    log ? log.error(fields, text) : console.error(`[better-auth] ${text}`, ...Object.values(fields));
  return {
    level: 'error' as const,
    log: (_level: string, message: unknown, ...args: unknown[]) => {
      // Some of its calls pass the error itself as the message.
      const all = [message, ...args];
      const err = all.find((a) => a instanceof Error);
      const text = typeof message === 'string' ? message : String(err?.message ?? message);
      if (/Failed to validate API key|Invalid password|signup_disabled/.test(text)) return;
      if (all.some(isDatabaseUnavailable)) return write({}, `${text}: the database cannot be reached`);
      const details = all.filter((a) => a !== err && a !== message);
      write({ ...(err ? { err } : {}), ...(details.length ? { details } : {}) }, text);
    },
  };
}

/**
 * better-auth, configured for k2flow: local accounts (no self sign-up: an admin puts people in),
 * the office's OpenID Connect provider when configured, roles (admin plugin) and API keys.
 * Only its OIDC callback is reachable over HTTP; every other use goes through `auth.api` from
 * k2flow's own routes, so each one is validated, rate-limited and documented like the rest.
 */
export function createAuth({ db, secret, publicUrl, oidc, logger }: AuthSettings) {
  return betterAuth({
    appName: 'k2flow',
    logger: betterAuthLogger(logger),
    baseURL: publicUrl,
    basePath: AUTH_BASE_PATH,
    secret,
    database: withHashedSessionTokens(prismaAdapter(db, { provider: 'postgresql' })),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 12, maxPasswordLength: 256 },
    user: { additionalFields: { office: { type: 'string', required: false, input: false } } },
    session: {
      expiresIn: 60 * 60 * 12,
      updateAge: 60 * 60,
      additionalFields: { authMethod: { type: 'string', required: false, input: false } },
    },
    account: { accountLinking: { enabled: true, trustedProviders: [OIDC_PROVIDER_ID] } },
    // k2flow limits sign-in attempts itself (per account and per address), on its own routes.
    rateLimit: { enabled: false },
    advanced: {
      cookiePrefix: COOKIE_PREFIX,
      useSecureCookies: publicUrl.startsWith('https:'),
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', path: '/' },
    },
    databaseHooks: {
      session: {
        create: {
          // Remember how the person proved who they are: the audit trail names it for every action.
          before: async (session, ctx) => ({ data: { ...session, authMethod: ctx?.path?.startsWith('/callback/') ? 'oidc' : 'password' } }),
        },
      },
    },
    plugins: [
      admin({ defaultRole: 'coordinator', adminRoles: ['admin'] }),
      apiKey({
        defaultPrefix: API_KEY_PREFIX,
        // k2flow authenticates keys itself from `Authorization: Bearer`; better-auth only stores and verifies them.
        enableSessionForAPIKeys: false,
        rateLimit: { enabled: false },
        keyExpiration: { defaultExpiresIn: null, minExpiresIn: 1, maxExpiresIn: 730 },
      }),
      ...(oidc
        ? [
            genericOAuth({
              config: [
                {
                  providerId: OIDC_PROVIDER_ID,
                  discoveryUrl: discoveryUrlOf(oidc.issuer),
                  clientId: oidc.clientId,
                  clientSecret: oidc.clientSecret,
                  scopes: ['openid', 'email', 'profile'],
                  pkce: true,
                  // client_secret_basic: the token endpoint's default in OpenID Connect, which every provider supports.
                  authentication: 'basic',
                  requireIdTokenVerification: true,
                  // Only people an admin has put in k2flow may sign in; the provider proves their email.
                  disableImplicitSignUp: true,
                },
              ],
            }),
          ]
        : []),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** Fails unless better-auth took the office's provider in when it started (it skips one it could not use). */
export async function assertOidcProviderReady(auth: Auth, issuer: string): Promise<void> {
  const context = await auth.$context;
  if (!context.socialProviders.some((p) => p.id === OIDC_PROVIDER_ID)) {
    throw new Error(`The office's identity provider (OIDC_ISSUER=${issuer}) answered, but better-auth could not use its discovery document (see the [better-auth] line above).`);
  }
}
