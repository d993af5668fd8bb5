import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, explain, RETRY_AFTER_UNAVAILABLE, statusOf } from './errors';
import { pageLanguage } from './page-language';
import { approverFaultPage } from './pages/approval-page';
import { refusalPage } from './pages/layout';
import { approvalOutagePage } from './pages/outage-page';
import { refusalOf, wayBack } from './refusal';

/** An approver's link (or anything under it): answered with a page, whatever the client accepts. */
const isApprovalPath = (request: FastifyRequest) => request.url.startsWith('/approvals/');

/** Approvers and browsers read pages; tools read JSON. Decides how a failure is shown. */
const wantsPage = (request: FastifyRequest) =>
  !request.url.startsWith('/api/') && (isApprovalPath(request) || request.url.startsWith('/dev/') || (request.headers.accept ?? '').includes('text/html'));

/**
 * Every failed request's answer, from a route, a hook, the router (no route; a malformed path) or
 * Fastify's body parsing: a 4xx or 503 with a sentence, or a fault of ours, logged and answered 500.
 * Approvers get their page; a person's browser a page in its language with a way back; tools JSON.
 */
export function answerFailure(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const explained = explain(error, request.routeOptions.config?.invalid);
  if (!explained) request.log.error({ err: error, route: request.routeOptions.url ?? 'unmatched' }, 'request failed');
  const status = explained ? statusOf[explained.code] : 500;
  if (status === 503) void reply.header('retry-after', String(RETRY_AFTER_UNAVAILABLE));
  if (explained?.code === 'RATE_LIMITED' && !reply.getHeader('retry-after')) void reply.header('retry-after', '60');
  void reply.code(status);
  if (isApprovalPath(request)) {
    const lang = pageLanguage(request);
    const moment = request.method === 'POST' ? 'decide' : 'open';
    const written = (request.body as { comment?: unknown } | undefined)?.comment;
    const comment = typeof written === 'string' ? written : undefined;
    const html = status === 503 ? approvalOutagePage({ moment, first: lang, comment }) : approverFaultPage(status, request.id, lang, { moment, comment });
    return reply.type('text/html; charset=utf-8').send(html);
  }
  // A person's browser without a session is sent to sign in, then back.
  if (status === 401 && wantsPage(request) && request.method === 'GET') return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
  if (wantsPage(request)) {
    const lang = pageLanguage(request);
    return reply.type('text/html; charset=utf-8').send(refusalPage(refusalOf(request, error, explained, lang), lang, wayBack(request, lang)));
  }
  return reply.send(errorBody(explained, request.id));
}
