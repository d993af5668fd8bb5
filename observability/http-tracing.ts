import { context, defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { noteSubject } from '../client/http/request-log';
import { tracingEnabled } from './tracing';

/**
 * One server span per HTTP request, named by method and route pattern (`POST /approvals/:token`),
 * and the active context while the route's handler runs, so that the Temporal calls it makes are
 * its children and carry the trace on into the workflow.
 *
 * Written here in a few hooks rather than taken from an instrumentation library: approval links
 * carry their secret in the path (`/approvals/<id>.<secret>`), and @opentelemetry/instrumentation-http
 * (which @fastify/otel relies on for the server span) records the raw target (`http.target`,
 * `url.path`, `url.full`) when the request arrives, before any hook could redact it. This span is
 * only ever given the method, the route pattern Fastify matched, the status, the scheme and the
 * request id: never the URL, its path or its query, nor a header or a body. An upstream's W3C
 * `traceparent` (a proxy that traces) is continued behind a trusted proxy only.
 */
export function installHttpTracing(app: FastifyInstance, { trustUpstream }: { trustUpstream: boolean }): void {
  if (!tracingEnabled()) return;
  const tracer = trace.getTracer('k2flow-http');
  const spans = new WeakMap<FastifyRequest, { span: Span; context: Context }>();
  // A caller's trace context only (traceparent, tracestate), never its baggage: what comes from the
  // internet must not ride on into Temporal's headers and the workflows' histories.
  const traceContext = new W3CTraceContextPropagator();

  // Callback-style, so that the hooks after it (the guard's look-up of a session or an API key
  // among them) run in the span's context.
  app.addHook('onRequest', (request, _reply, done) => {
    // The pattern of the matched route; undefined when none matched (a 404), and then only the method names the span.
    const route = request.routeOptions.url;
    // Only a proxy k2flow is told to trust (TRUST_PROXY) may continue its trace: a caller's
    // traceparent would otherwise decide sampling, and its tracestate would ride on into Temporal's
    // headers and the workflows' histories.
    const parent = trustUpstream ? traceContext.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter) : ROOT_CONTEXT;
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          ...(route ? { 'http.route': route } : {}),
          'url.scheme': request.protocol,
          'k2flow.request_id': request.id,
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    spans.set(request, { span, context: active });
    noteSubject(request, { traceId: span.spanContext().traceId });
    context.with(active, done);
  });

  // And the handler runs in it explicitly: what comes between (the body's parsing, other plugins'
  // hooks) is other code, and the handler's Temporal calls must be the span's children whatever it does.
  app.addHook('onRoute', (options) => {
    const handler = options.handler as RouteHandlerMethod;
    options.handler = function (this: FastifyInstance, request, reply) {
      const active = spans.get(request);
      return active ? context.with(active.context, handler, this, request, reply) : handler.call(this, request, reply);
    };
  });

  const end = (request: FastifyRequest, status: number | null) => {
    const active = spans.get(request);
    if (!active) return;
    spans.delete(request);
    if (status === null) {
      active.span.setStatus({ code: SpanStatusCode.ERROR, message: 'aborted by the client' });
    } else {
      active.span.setAttribute('http.response.status_code', status);
      // A server span fails with a 5xx only; a 4xx is the client's (OpenTelemetry's HTTP conventions).
      if (status >= 500) active.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    active.span.end();
  };
  app.addHook('onResponse', async (request, reply) => end(request, reply.statusCode));
  app.addHook('onRequestAbort', async (request) => end(request, null));
}
