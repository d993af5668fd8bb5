import { fromNodeHeaders } from 'better-auth/node';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { languageChoice } from '../../i18n/messages';
import { AUTH_BASE_PATH, OIDC_PROVIDER_ID, type Auth } from '../../auth/create-auth';
import { actorOf } from '../../auth/identity';
import type { PeopleService } from '../../auth/people';
import { DomainError } from '../../domain/domain-error';
import { isLang, messagesFor, type Messages } from '../../i18n/messages';
import { emailAddress } from '../../domain/email-address';
import { escapeHtml, type Lang } from '../../mail/html';
import rateLimit from '@fastify/rate-limit';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { rateLimitSettings } from './errors';
import { checkCsrf, csrfTokenFor, identityOf } from './guard';
import { pageLanguage } from './page-language';
import { languageSwitch, page } from './pages/layout';
import type { HttpApp } from './server';
import { withLanguage } from './route-schemas';

const credentials = z.object({
  email: emailAddress,
  password: z.string().min(1, 'is required').max(256),
  _csrf: z.string().optional(),
  next: z.string().max(2000).optional(),
  /** The sign-in page's language, for the page that answers a wrong password. */
  lang: languageChoice,
});

/**
 * Where to go after signing in: a path of this site only (never another origin: no open
 * redirect). Resolved as a browser would resolve it (which drops tabs and line breaks, and reads
 * `/\t/host` as `//host`), kept only when it stays on this site, and sent as its path and query;
 * a path that resolves to one beginning `//` or `/\` (`/.//host`, `/%2e/\host`) would be read by the
 * browser as another host's address, so it is not kept either.
 */
function localPath(next: string | undefined): string {
  if (!next) return '/';
  const base = new URL('http://k2flow.invalid/');
  let target: URL;
  try {
    target = new URL(next, base);
  } catch {
    return '/';
  }
  const path = `${target.pathname}${target.search}`;
  return target.origin === base.origin && next.startsWith('/') && /^\/(?![/\\])/.test(path) ? path : '/';
}

const sessionAnswer = z.object({
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), role: z.string(), office: z.string().nullable() }),
  via: z.enum(['password', 'oidc', 'api-key']),
  csrfToken: z.string().nullable().describe('Send as X-CSRF-Token with state-changing requests made with the session cookie.'),
});

/** Hands better-auth's answer (status, cookies, body or redirect) to the client unchanged. */
async function relay(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  void reply.code(response.status);
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie' && key !== 'content-length') void reply.header(key, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) void reply.header('set-cookie', cookies);
  return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : null);
}

const isForm = (request: FastifyRequest) => (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

/** The sign-in page in the reader's language; `refusal` is why the last attempt did not sign them in. */
function signInPage(lang: Lang, csrfToken: string, oidcEnabled: boolean, refusal?: keyof Messages['signIn']['refused'], next = '/'): string {
  const t = messagesFor(lang).signIn;
  const oidc = oidcEnabled
    ? `<form method="post" action="/sign-in/oidc"><input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}"><button>${escapeHtml(t.withOffice)}</button></form><p class="muted">${escapeHtml(t.orPassword)}</p>`
    : '';
  const switchTo = (l: Lang) => `/sign-in?${new URLSearchParams({ ...(next !== '/' ? { next } : {}), lang: l })}`;
  return page(
    t.title,
    `${languageSwitch(lang, switchTo)}${refusal ? `<p class="error" role="alert">${escapeHtml(t.refused[refusal])}</p>` : ''}${oidc}<form method="post" action="/sign-in"><input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}"><input type="hidden" name="next" value="${escapeHtml(next)}"><input type="hidden" name="lang" value="${lang}">
<p><label>${escapeHtml(t.email)}<br><input name="email" type="email" autocomplete="username" required></label></p>
<p><label>${escapeHtml(t.password)}<br><input name="password" type="password" autocomplete="current-password" required></label></p>
<button>${escapeHtml(t.submit)}</button></form>`,
    lang,
  );
}

/**
 * Sign-in with a password (a page for people, JSON for tools), sign-out, and sign-in through the
 * office's OpenID Connect provider. Attempts are limited per address and per account.
 */
export function addSignInRoutes(app: HttpApp, { auth, people, oidcEnabled }: { auth: Auth; people: PeopleService; oidcEnabled: boolean }): void {
  // The identity provider's refusals come back here as `?error=<code>` (better-auth's redirect).
  app.get(
    '/sign-in',
    { config: { access: 'public' }, schema: { hide: true, querystring: withLanguage.extend({ error: z.string().max(100).optional(), next: z.string().max(2000).optional() }) } },
    async (request, reply) => {
      // better-auth's code for an office account with no k2flow person behind it; anything else failed.
      const refusal = request.query.error ? (request.query.error === 'signup_disabled' ? 'noAccount' : 'failed') : undefined;
      return reply.type('text/html; charset=utf-8').send(signInPage(pageLanguage(request), csrfTokenFor(request, reply), oidcEnabled, refusal, localPath(request.query.next)));
    },
  );

  // Per address before the body is read, then per account once it is: a guesser is stopped on
  // either, and one person's mistyped password never locks out the rest of their office.
  // @fastify/rate-limit applies one limit per request per registration, so the per-account limit
  // comes from a second registration, scoped to this route.
  const perAddress = app.rateLimit({ max: 30, timeWindow: '15 minutes' });
  const perAccount = {
    max: 10,
    timeWindow: '15 minutes',
    hook: 'preHandler' as const,
    keyGenerator: (request: FastifyRequest) => `sign-in:${String((request.body as { email?: unknown } | undefined)?.email ?? '').trim().toLowerCase()}`,
  };
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    await scope.register(rateLimit, rateLimitSettings);
    scope.post(
      '/sign-in',
      {
        config: { access: 'public', invalid: 'The sign-in is incomplete', rateLimit: perAccount },
        onRequest: perAddress,
        // The page's form carries a CSRF token, so no other site can sign a browser into an account
        // of its choosing; checked before the form's fields, as for every form (guard.ts).
        preValidation: async (request, reply) => {
          if (isForm(request)) await checkCsrf(app, request, reply);
        },
        schema: { summary: 'Sign in with an email and password; sets the session cookie.', tags: ['sign-in'], body: credentials },
      },
      async (request, reply) => {
        const { email, password } = request.body;
        const response = await auth.api.signInEmail({ body: { email, password }, headers: fromNodeHeaders(request.headers), asResponse: true });
        if (response.status === 401 || response.status === 403) {
          if (isForm(request)) return reply.code(401).type('text/html; charset=utf-8').send(signInPage(isLang(request.body.lang) ? request.body.lang : pageLanguage(request), csrfTokenFor(request, reply), oidcEnabled, 'wrong', localPath(request.body.next)));
          throw new DomainError('UNAUTHENTICATED', messagesFor('en').signIn.refused.wrong);
        }
        if (!response.ok) return relay(reply, response);
        void reply.header('set-cookie', response.headers.getSetCookie());
        if (isForm(request)) return reply.redirect(localPath(request.body.next), 303);
        // better-auth's answer carries the session token; it belongs in the HttpOnly cookie only.
        const { user } = (await response.json()) as { user: { id: string; name: string; email: string; role?: string | null; office?: string | null } };
        return { signedIn: true, user: { id: user.id, name: user.name, email: user.email, role: user.role ?? null, office: user.office ?? null } };
      },
    );
  });

  app.post('/sign-out', { config: { access: 'read' }, schema: { summary: 'End the current session, or revoke the API key that makes this request.', tags: ['sign-in'] } }, async (request, reply) => {
    const identity = identityOf(request);
    if (identity.apiKeyId) return { signedOut: true, key: await people.revokeKey(identity.apiKeyId, { ...actorOf(identity, request.id), role: identity.role }) };
    const response = await auth.api.signOut({ headers: fromNodeHeaders(request.headers), asResponse: true });
    if (isForm(request)) return reply.header('set-cookie', response.headers.getSetCookie()).redirect('/sign-in', 303);
    return relay(reply, response);
  });

  app.get('/api/session', { config: { access: 'read' }, schema: { summary: 'Who is signed in, and the CSRF token for their session.', tags: ['sign-in'], response: { 200: sessionAnswer } } }, async (request, reply) => {
    const identity = identityOf(request);
    return {
      user: { id: identity.userId, name: identity.name, email: identity.email, role: identity.role, office: identity.office },
      via: identity.via,
      csrfToken: identity.sessionId ? csrfTokenFor(request, reply) : null,
    };
  });

  if (!oidcEnabled) return;
  app.post(
    '/sign-in/oidc',
    { config: { access: 'public', rateLimit: { max: 30, timeWindow: '15 minutes' } }, schema: { summary: "Start sign-in with the office's identity provider (redirects there).", tags: ['sign-in'] } },
    async (request, reply) => {
      await checkCsrf(app, request, reply);
      const response = await auth.api.signInSocial({ body: { provider: OIDC_PROVIDER_ID, callbackURL: '/', errorCallbackURL: '/sign-in', disableRedirect: true }, headers: fromNodeHeaders(request.headers), asResponse: true });
      const { url } = (await response.clone().json()) as { url?: string };
      if (!response.ok || !url) throw new DomainError('UNAVAILABLE', "The office's identity provider cannot be reached right now; try again shortly.");
      return reply.header('set-cookie', response.headers.getSetCookie()).redirect(url, 303);
    },
  );
  // The identity provider sends the browser back here; better-auth checks state and PKCE, then signs the person in.
  app.get(
    `${AUTH_BASE_PATH}/callback/:providerId`,
    { config: { access: 'public', rateLimit: { max: 60, timeWindow: '15 minutes' } }, schema: { hide: true } },
    async (request, reply) => relay(reply, await auth.handler(new Request(`${publicBase(request)}${request.url}`, { headers: fromNodeHeaders(request.headers) }))),
  );
}

const publicBase = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
