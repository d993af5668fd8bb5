import generated from '@opentelemetry/otlp-transformer/build/src/generated/root';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Client } from '@temporalio/client';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createHttpServer } from '../../client/http/server';
import { createApplicationService } from '../../client/services/applications';
import { flushTracing, installTracing, shutdownTracing } from '../../observability/tracing';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';
import { testSignIn } from '../support/people';

// Traces on real parts: an OTLP receiver of our own (what a collector is to k2flow: POST /v1/traces
// in protobuf, the exporter's default), the process's tracer provider pointed at it by the standard
// setting, and the harness's HTTP server, Temporal client and worker. (Each test file runs in a
// process of its own: the global tracer provider installed here is this file's alone.)

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  attributes: Record<string, unknown>;
  service: string;
}

// The protobuf definitions the exporter encodes with (its generated code has no typings of its own).
interface Decoder {
  decode(data: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): any;
}
const { ExportTraceServiceRequest } = (generated as unknown as { opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: Decoder } } } } } }).opentelemetry.proto.collector.trace.v1;

const received: ReceivedSpan[] = [];
/** Every export as sent (unzipped): what a tracing backend would keep, searched whole for tokens. */
const payloads: Buffer[] = [];
const exports: Array<{ method: string; path: string; contentType: string | undefined }> = [];

const bodyOf = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
};
const hex = (base64: string) => Buffer.from(base64, 'base64').toString('hex');
const valuesOf = (attributes: Array<{ key: string; value?: Record<string, unknown> & { value?: string } }>) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, value?.value ? value[value.value] : undefined]));

const receiver = createServer((req, res) => {
  void (async () => {
    exports.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'] });
    const body = await bodyOf(req);
    payloads.push(body);
    const request = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), { longs: String, bytes: String, enums: String, oneofs: true, arrays: true });
    for (const resourceSpans of request.resourceSpans) {
      const service = String(valuesOf(resourceSpans.resource?.attributes ?? [])['service.name']);
      for (const scopeSpans of resourceSpans.scopeSpans) {
        for (const span of scopeSpans.spans) {
          received.push({ traceId: hex(span.traceId), spanId: hex(span.spanId), parentSpanId: hex(span.parentSpanId ?? ''), name: span.name, kind: span.kind, attributes: valuesOf(span.attributes), service });
        }
      }
    }
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  })().catch((error: unknown) => res.writeHead(400).end(String(error)));
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));

// Before the harness makes its Temporal client, worker and server, as a process's start does.
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
process.env.OTEL_SERVICE_NAME = 'k2flow-tracing-test';
expect(installTracing('k2flow-server')).toMatchObject({ protocol: 'http/protobuf', serviceName: 'k2flow-tracing-test' });
afterAll(async () => {
  await shutdownTracing();
  receiver.close();
});

let h: Harness;
let api: ReturnType<typeof apiOf>;
// Behind a proxy it trusts (TRUST_PROXY), as a server whose proxy traces would be.
useHarness((started) => ({ h, api } = started), () => ({ trustProxy: true }));

/** The span, then its parent, and so on up to the trace's root (as far as received). */
function ancestry(span: ReceivedSpan): ReceivedSpan[] {
  const chain = [span];
  for (let parent = received.find((s) => s.spanId === span.parentSpanId); parent; parent = received.find((s) => s.spanId === parent.parentSpanId)) chain.push(parent);
  return chain;
}
/** The one span named `name` in the trace of `root`, with its ancestry reaching `root`. */
function inTraceOf(root: ReceivedSpan, name: string): ReceivedSpan[] {
  const found = received.filter((s) => s.traceId === root.traceId && s.name === name);
  expect(found.map((s) => s.name), `${name} in the trace of ${root.name}: ${received.filter((s) => s.traceId === root.traceId).map((s) => s.name).join(', ')}`).not.toEqual([]);
  for (const span of found) expect(ancestry(span).map((s) => s.spanId)).toContain(root.spanId);
  return found;
}
const names = (chain: ReceivedSpan[]) => chain.map((s) => s.name).reverse();

describe('traces', () => {
  it('follow an approval from the HTTP request through the Temporal update into the workflow and its activities; never a token', async () => {
    const input = makeInput({ units: 1 });
    const approver = input.units[0]!.approver.email;
    const id = await api.startOk(input);
    const link = await api.linkFor(approver);
    const deputyEmail = `deputy-${approver}`;
    expect((await fetch(`${link}/deputy`, { method: 'POST', body: new URLSearchParams({ name: 'Deputy Member', email: deputyEmail, language: 'en', until: '2099-12-31' }) })).status).toBe(200);
    const deputyLink = await api.linkFor(deputyEmail);
    expect((await api.decide(deputyLink, 'approve')).status).toBe(200);
    const coordinatorLink = await api.linkFor(input.coordinator.email);
    expect((await api.decide(coordinatorLink, 'approve')).status).toBe(200);
    await api.result(id);
    // A trusted proxy's trace is continued (its traceparent; never a caller's baggage, which is not read).
    const upstream = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    expect((await fetch(new URL('/healthz', h.baseUrl), { headers: { traceparent: `00-${upstream.traceId}-${upstream.spanId}-01` } })).status).toBe(200);
    // A server that trusts no proxy starts its own trace whatever a caller sends.
    const caller = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
    const untrusting = await createHttpServer({ ...testSignIn(h.db, h.baseUrl), db: h.db, temporal: h.temporal, taskQueue: h.taskQueue });
    try {
      const answer = await untrusting.inject({ method: 'GET', url: '/healthz', headers: { traceparent: `00-${caller.traceId}-${caller.spanId}-01`, tracestate: 'vendor=from-the-internet' } });
      expect(answer.statusCode).toBe(200);
    } finally {
      await untrusting.close();
    }
    // The worker hands a workflow task's spans to the exporter as the task completes; wait for the last ones.
    await expect
      .poll(async () => {
        await flushTracing();
        return received.filter((s) => s.name === 'RunActivity:closeApplication').length;
      })
      .toBe(1);

    expect(exports.every((e) => e.method === 'POST' && e.path === '/v1/traces' && e.contentType === 'application/x-protobuf')).toBe(true);
    expect(new Set(received.map((s) => s.service))).toEqual(new Set(['k2flow-tracing-test']));

    const healthChecks = received.filter((s) => s.name === 'GET /healthz');
    expect(healthChecks).toHaveLength(2);
    expect(healthChecks.find((s) => s.traceId === upstream.traceId)).toMatchObject({ parentSpanId: upstream.spanId, kind: 'SPAN_KIND_SERVER' });
    expect(healthChecks.find((s) => s.traceId !== upstream.traceId)).toMatchObject({ parentSpanId: '', kind: 'SPAN_KIND_SERVER' });
    expect(received.some((s) => s.traceId === caller.traceId)).toBe(false);

    // A decision: the server span of its request, named by the route pattern, and the update it
    // sends in the same trace, through the workflow's validator and handler.
    const decisions = received.filter((s) => s.name === 'POST /approvals/:token');
    expect(decisions).toHaveLength(2);
    for (const decision of decisions) {
      expect(decision).toMatchObject({ kind: 'SPAN_KIND_SERVER', parentSpanId: '', attributes: { 'http.request.method': 'POST', 'http.route': '/approvals/:token', 'http.response.status_code': '200', 'url.scheme': 'http', 'k2flow.request_id': expect.any(String) } });
      expect(names(ancestry(inTraceOf(decision, 'HandleUpdate:decide')[0]!))).toEqual(['POST /approvals/:token', 'StartWorkflowUpdate:decide', 'HandleUpdate:decide']);
      expect(names(ancestry(inTraceOf(decision, 'ValidateUpdate:decide')[0]!))).toEqual(['POST /approvals/:token', 'StartWorkflowUpdate:decide', 'ValidateUpdate:decide']);
    }
    // The request ids are the server's own (its x-request-id answer); two requests, two ids.
    expect(new Set(decisions.map((s) => s.attributes['k2flow.request_id'])).size).toBe(2);
    // Each request's log line names its trace, so logs and traces meet.
    for (const decision of decisions) {
      expect(h.logEntries().find((e) => e.reqId === decision.attributes['k2flow.request_id'] && e.route === '/approvals/:token')).toMatchObject({ traceId: decision.traceId });
    }

    // Naming a deputy through the party's link: the update's handler runs an activity, on the
    // worker, in the request's trace.
    const [deputy] = received.filter((s) => s.name === 'POST /approvals/:token/deputy');
    expect(deputy).toBeDefined();
    expect(names(ancestry(inTraceOf(deputy!, 'RunActivity:appointDeputy')[0]!))).toEqual([
      'POST /approvals/:token/deputy',
      'StartWorkflowUpdate:appointDeputy',
      'HandleUpdate:appointDeputy',
      'StartActivity:appointDeputy',
      'RunActivity:appointDeputy',
    ]);

    // Starting the application: the workflow, its unit's child workflow and their activities
    // (among them those recording the decisions above: the workflow records them itself) are the start request's.
    const [start] = received.filter((s) => s.name === 'POST /api/applications');
    expect(names(ancestry(inTraceOf(start!, 'RunActivity:recordApplicationStarted')[0]!))).toEqual([
      'POST /api/applications',
      'StartWorkflow:applicationWorkflow',
      'RunWorkflow:applicationWorkflow',
      'StartActivity:recordApplicationStarted',
      'RunActivity:recordApplicationStarted',
    ]);
    expect(names(ancestry(inTraceOf(start!, 'RunActivity:applyTransition')[0]!)).slice(0, 5)).toEqual([
      'POST /api/applications',
      'StartWorkflow:applicationWorkflow',
      'RunWorkflow:applicationWorkflow',
      'StartChildWorkflow:unitBranchWorkflow',
      'RunWorkflow:unitBranchWorkflow',
    ]);
    inTraceOf(start!, 'RunActivity:closeApplication');
    // Workflow spans keep plain values of the workflow's info only (no memo, search attributes or results).
    const run = inTraceOf(start!, 'RunWorkflow:applicationWorkflow')[0]!;
    expect(run.attributes).toMatchObject({ workflowId: id, workflowType: 'applicationWorkflow', taskQueue: h.taskQueue });
    expect(Object.keys(run.attributes).filter((k) => /memo|searchAttributes|lastResult|unsafe/.test(k))).toEqual([]);

    // No token, whole or its secret half, in any span's name or attribute, nor anywhere in what was exported.
    const tokens = [link, deputyLink, coordinatorLink].map((l) => decodeURIComponent(new URL(l).pathname.split('/').pop()!));
    for (const token of tokens) {
      const secret = token.split('.').pop()!;
      expect(secret.length).toBeGreaterThan(20);
      for (const text of [token, secret]) {
        expect(received.filter((s) => JSON.stringify(s).includes(text))).toEqual([]);
        expect(payloads.some((p) => p.includes(text))).toBe(false);
      }
    }
  });

  it('leave a workflow untraced when whoever started it did not trace, though its worker traces', async () => {
    // A client without the tracing plugin (as a server or CLI with tracing off) starts an application.
    const untraced = createApplicationService({ db: h.db, temporal: new Client({ connection: h.temporal.connection }), taskQueue: h.taskQueue });
    const by = { userId: 'untraced-test', name: 'Untraced test', email: 'untraced@k2flow.test', via: 'api-key' as const, requestId: 'untraced-test' };
    const { id } = await untraced.start(makeInput({ units: 1 }), undefined, { office: 'k2', by });
    // Its workflows ran their first tasks and activities (the unit's request is open) on the tracing worker.
    await vi.waitFor(() => h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: id } }), { timeout: 30_000, interval: 100 });
    const traced = await api.startOk(makeInput({ units: 1 }));
    await vi.waitFor(() => h.db.approvalRequest.findFirstOrThrow({ where: { applicationId: traced } }), { timeout: 30_000, interval: 100 });
    await vi.waitFor(
      async () => {
        await flushTracing();
        // The control: the traced application's workflow spans arrived (those ended so far: its run's ends with it)...
        expect(received.some((s) => s.name.startsWith('StartActivity:') && s.attributes.workflowId === traced)).toBe(true);
      },
      { timeout: 20_000, interval: 250 },
    );
    // ...and none of the untraced one's, from its workflows or their activities.
    expect(received.filter((s) => String(s.attributes.workflowId ?? '').startsWith(id)).map((s) => s.name)).toEqual([]);
  });
});
