import type { FastifyRequest } from 'fastify';
import type { HttpApp } from './server';

/** What a request was about, for its log line: which application and workflow, and who acted. */
export interface LogSubject {
  applicationId?: string;
  workflowId?: string;
  /** An approval request, when a party's link was used. */
  approvalRequestId?: string;
  /** `<role>:<user id>` for a signed-in person or an API key; `party:<role>` for a link. */
  actor?: string;
  /** The request's trace, when tracing is on (observability/http-tracing.ts). */
  traceId?: string;
}

/** Routes whose `:id` is an application's id (which is also its workflow's id). */
const aboutAnApplication = /^\/(api\/)?applications\/:id(\/|$)/;

/** Records what the request turned out to be about (an approval link names it only once it is opened). */
export function noteSubject(request: FastifyRequest, subject: LogSubject): void {
  request.logSubject = { ...request.logSubject, ...subject };
}

/** The subject of a request made with a party's link, as the approval service resolved it. */
export const linkSubject = (view: { applicationId: string; workflowId: string; requestId: string; partyRole: string }): LogSubject => ({
  applicationId: view.applicationId,
  workflowId: view.workflowId,
  approvalRequestId: view.requestId,
  actor: `party:${view.partyRole}`,
});

/**
 * One line per answered request: method, route pattern (never the path: approval links carry
 * their token in it), status, duration, and the request id, application, workflow and actor. The
 * request id is pino's `reqId` binding, set by Fastify for every request's logger.
 */
export function installRequestLog(app: HttpApp): void {
  app.decorateRequest('logSubject', null);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const id = (request.params as { id?: unknown } | undefined)?.id;
    const fromRoute = typeof id === 'string' && aboutAnApplication.test(route) ? { applicationId: id, workflowId: id } : {};
    const identity = request.identity;
    const fields = {
      method: request.method,
      route,
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      ...fromRoute,
      ...(identity ? { actor: `${identity.role}:${identity.userId}`, via: identity.via } : {}),
      ...request.logSubject,
    };
    const line = `${request.method} ${route} ${reply.statusCode}`;
    if (reply.statusCode >= 500) request.log.error(fields, line);
    else request.log.info(fields, line);
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    logSubject: LogSubject | null;
  }
}
