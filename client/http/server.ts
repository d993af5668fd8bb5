import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { Client } from '@temporalio/client';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { SESSION_COOKIE, type Auth } from '../../auth/create-auth';
import { createPeopleService } from '../../auth/people';
import type { Db } from '../../db/prisma-client';
import { DomainError } from '../../domain/domain-error';
import { firstUnreadable } from '../../domain/plain-text';
import type { Mailbox } from '../../dev/mailbox';
import type { ScheduleUnit } from '../../workflows/calendar/schedule';
import { createApplicationService } from '../services/applications';
import { createDraftService } from '../services/drafts';
import { createDocumentService, DEFAULT_DOCUMENT_MAX_BYTES } from '../services/documents';
import { addDocumentRoutes } from './document-routes';
import type { DocumentStore } from '../../storage/document-store';
import { createLocalFolderStore } from '../../storage/local-folder-store';
import { createApprovalService } from '../services/approvals';
import { createEvidenceService } from '../services/evidence';
import { k2flowReadiness } from '../../observability/readiness';
import { addApiRoutes } from './api-routes';
import { addDraftRoutes } from './draft-routes';
import { addPageRoutes } from './page-routes';
import { createApplicationSearch } from '../services/application-search';
import { createHistoryView } from '../services/history-view';
import { createDashboard } from '../services/dashboard';
import { addEvidenceRoutes } from './evidence-routes';
import { addApprovalRoutes } from './approval-routes';
import { RETRY_AFTER_UNAVAILABLE, rateLimitSettings } from './errors';
import { answerFailure } from './failure-answer';
import { csrfBinding, installGuard, type RouteAccess } from './guard';
import { addMailboxRoutes } from './mailbox-routes';
import { addOpenApiRoutes } from './openapi-routes';
import { messagesFor } from '../../i18n/messages';
import { escapeHtml } from '../../mail/html';
import { pageLanguage } from './page-language';
import { withLanguage } from './route-schemas';
import { languageSwitch, page } from './pages/layout';
import { addPeopleRoutes } from './people-routes';
import { addSignInRoutes } from './sign-in-routes';
import { answerMalformedRequest, securityHeaders } from './security-headers';
import { checkMetricsToken, createServerMetrics, type ServerMetrics } from './metrics';
import { installRequestLog } from './request-log';
import { silentLogger, type Logger } from '../../observability/logger';
import { installHttpTracing } from '../../observability/http-tracing';

export interface HttpDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  auth: Auth;
  /** Signs the CSRF cookie; the same secret as sessions'. */
  secret: string;
  publicUrl: string;
  /** Whether the office's OpenID Connect provider is configured (shows its sign-in button). */
  oidcEnabled?: boolean;
  /** Take the client address from X-Forwarded-For (behind a reverse proxy). */
  trustProxy?: boolean;
  /** What a working day of reminders is for applications started here (default: working days). */
  scheduleUnit?: ScheduleUnit;
  clock?: () => Date;
  /** Where documents' contents are kept; a folder `.k2flow/documents` in the working directory by default. */
  documentStore?: DocumentStore;
  /** The largest document taken, in bytes (K2FLOW_DOCUMENT_MAX_MB). */
  documentMaxBytes?: number;
  /** The bearer token Prometheus scrapes /metrics with (K2FLOW_METRICS_TOKEN); no metrics without it. */
  metricsToken?: string;
  /** Present only with the embedded development mailbox. */
  mailbox?: Mailbox;
  /** The SMTP server the workers send through, for /readyz to report (npm start's mailbox, or SMTP_URL). */
  smtp?: { verify(): Promise<unknown> };
  /** The process's logger (observability/logger.ts); silent by default. */
  logger?: Logger;
}

export type HttpApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The coordinator API, the approvers' pages, sign-in and (in development) the mailbox, on one
 * Fastify server. Every route declares who may reach it (see guard.ts); every failure is answered
 * with a 4xx or 503 and a sentence, or logged with the request id and answered 500.
 */
export async function createHttpServer(deps: HttpDeps): Promise<HttpApp> {
  const { db, temporal, taskQueue, auth, scheduleUnit, clock = () => new Date(), mailbox, logger = silentLogger } = deps;
  // Typed as Fastify's logger, so the app's type does not depend on pino's generics.
  const loggerInstance: FastifyBaseLogger = logger;
  const secure = securityHeaders({ https: deps.publicUrl.startsWith('https:') });
  /** What every answer carries, whatever answers it. */
  const marked = (request: FastifyRequest, reply: FastifyReply) => reply.headers(secure).header('x-request-id', request.id);
  const app = Fastify({
    loggerInstance,
    // Fastify's own request lines carry the raw URL (and with it a link's token): request-log.ts writes ours.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1_000_000,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    http: { maxHeaderSize: 16_384 },
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    trustProxy: deps.trustProxy ?? false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    // A malformed path never reaches a route or a hook: answer it here as any other failure.
    frameworkErrors: (error, request, reply) => {
      answerFailure(request, marked(request, reply), error);
    },
    // Nor does a request that is not HTTP at all.
    clientErrorHandler: (error, socket) => answerMalformedRequest(error, socket, secure, loggerInstance),
  }).withTypeProvider<ZodTypeProvider>();
  // First, so a request's span covers every other hook and routes added below run in it.
  installHttpTracing(app, { trustUpstream: deps.trustProxy ?? false });
  // Then the headers, before any hook that may refuse the request.
  app.addHook('onRequest', async (request, reply) => {
    marked(request, reply);
  });
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API; answers are sent as the handlers build them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.removeContentTypeParser('text/plain');

  await app.register(cookie, { secret: deps.secret });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'k2flow.csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: deps.publicUrl.startsWith('https:') },
    getToken: (req) => (req.headers['x-csrf-token'] as string | undefined) ?? (req.body as { _csrf?: string } | undefined)?._csrf,
    // Tokens are bound to the session they were issued for (an HMAC over its id).
    getUserInfo: csrfBinding,
    csrfOpts: { userInfo: true, hmacKey: deps.secret },
  });
  await app.register(formbody, { bodyLimit: 32_000 });
  await app.register(rateLimit, rateLimitSettings);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'k2flow API', version: '1', description: 'Joint funding applications on Temporal. Authenticate with a session cookie (pages) or an API key: Authorization: Bearer <key>.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });

  // Once a stop begins (app.close()), each answer closes its connection: a keep-alive connection
  // would otherwise hold the stop until its idle timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });
  const metrics = createServerMetrics(db);
  app.decorate('metrics', metrics);
  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  installRequestLog(app);
  // Who is asking, before anything reads what they sent (the CSRF check among the first preValidation hooks).
  const routeTable = installGuard(app, { auth, db });
  app.decorate('routeTable', routeTable);
  // Every request's text fields, before any route reads them: control characters (NUL above
  // all) are refused here, once for every route and every field (domain/plain-text.ts).
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [['query', request.query], ['body', request.body]] as const) {
      const found = firstUnreadable(value);
      if (found?.why === 'too-deep') throw new DomainError('VALIDATION', `The request's ${part} nests deeper than k2flow reads, at ${found.path}.`, [{ path: found.path, message: 'is nested too deeply' }]);
      if (found) throw new DomainError('VALIDATION', `The request's ${part} holds a control character (such as NUL) or a broken character in ${found.path}; send plain text.`, [{ path: found.path, message: 'must not contain control characters' }]);
    }
  });

  app.setErrorHandler(async (error, request, reply) => answerFailure(request, reply, error));
  app.setNotFoundHandler({ preHandler: app.rateLimit({ max: 300, timeWindow: '1 minute' }) }, async (request, reply) =>
    answerFailure(request, reply, new DomainError('NOT_FOUND', `No route for ${request.method} ${request.url.startsWith('/approvals/') ? '/approvals/:token' : request.url.split('?')[0]}.`)),
  );

  const applications = createApplicationService({ db, temporal, taskQueue, scheduleUnit });
  const documents = createDocumentService({ db, store: deps.documentStore ?? createLocalFolderStore('.k2flow/documents'), maxBytes: deps.documentMaxBytes ?? DEFAULT_DOCUMENT_MAX_BYTES, clock });
  const approvals = createApprovalService({ db, temporal, clock, logger, documents });
  const people = createPeopleService({ auth, db });

  // Liveness: the process answers. It never looks at the database or Temporal, so an outage of
  // either does not get a healthy server restarted.
  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ ok: true }));
  // Readiness: whether requests can be served now; 503 names the part that cannot be reached.
  // SMTP is reported beside them when the server is told of it (SMTP_URL), never a reason for 503.
  const readiness = k2flowReadiness({ db, temporal: temporal.connection, smtp: deps.smtp });
  app.get('/readyz', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const result = await readiness();
    if (!result.ready) void reply.code(503).header('retry-after', String(RETRY_AFTER_UNAVAILABLE));
    return result;
  });
  // Prometheus scrapes with its own bearer token (a credential like an API key, not a person's).
  app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    checkMetricsToken(deps.metricsToken, request.headers.authorization);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/', { config: { access: 'public' }, schema: { hide: true, querystring: withLanguage } }, async (request, reply) => {
    const lang = pageLanguage(request);
    const t = messagesFor(lang).home;
    const item = (href: string, label: string, note = '') => `<li><a href="${href}?lang=${lang}">${escapeHtml(label)}</a>${note ? ` ${escapeHtml(note)}` : ''}</li>`;
    const items = [
      item('/sign-in', t.signIn),
      item('/dashboard', t.dashboard),
      item('/applications', t.applications, t.applicationsNote),
      `<li><a href="/api/applications">${escapeHtml(t.applicationsJson)}</a></li>`,
      `<li><a href="/api/reference">${escapeHtml(t.reference)}</a></li>`,
      ...(mailbox ? [item('/dev/mailbox', t.mailbox, t.adminsOnly)] : []),
    ];
    return reply.type('text/html; charset=utf-8').send(page('k2flow', `${languageSwitch(lang)}<p>${escapeHtml(t.lead)}</p><ul>${items.join('')}</ul>`, lang));
  });
  addSignInRoutes(app, { auth, people, oidcEnabled: deps.oidcEnabled ?? false });
  const evidence = createEvidenceService({ db, applications });
  addApiRoutes(app, applications);
  const drafts = createDraftService({ db, applications, scheduleUnit, clock });
  addDraftRoutes(app, drafts);
  addDocumentRoutes(app, applications, documents);
  addPageRoutes(app, { search: createApplicationSearch({ db, clock }), historyView: createHistoryView({ db, applications, evidence, documents, scheduleUnit, clock }), applications, dashboard: createDashboard({ db, clock }), drafts, documents });
  addEvidenceRoutes(app, applications, evidence, clock);
  addPeopleRoutes(app, people);
  addApprovalRoutes(app, approvals);
  addOpenApiRoutes(app);
  if (mailbox) addMailboxRoutes(app, mailbox);
  await app.ready();
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with the access it declared (see guard.ts). */
    routeTable: RouteAccess[];
    metrics: ServerMetrics;
  }
  interface FastifyContextConfig {
    /** The first sentence of a validation error's message, e.g. "The withdrawal is invalid". */
    invalid?: string;
  }
}
