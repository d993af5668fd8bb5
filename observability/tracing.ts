import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { envDetectorSync, Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import type { ClientPlugin } from '@temporalio/client';
import type { InjectedSinks, WorkerPlugin } from '@temporalio/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import { withoutUrlPassword, type Logger } from './logger';

/**
 * OpenTelemetry traces, exported by OTLP over HTTP when the standard settings name an endpoint
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); otherwise nothing is
 * installed: no tracer provider, no Temporal interceptors on the client or the activities, no
 * hooks on the HTTP server. The exporter, the batch processor, the sampler and the propagators read
 * the other OTEL_* settings themselves (headers, timeout, compression, OTEL_BSP_*,
 * OTEL_TRACES_SAMPLER, OTEL_PROPAGATORS: W3C trace context and baggage by default);
 * OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES name the process.
 *
 * A trace runs from the HTTP request (observability/http-tracing.ts) through the Temporal client's
 * call (StartWorkflow, StartWorkflowUpdate, QueryWorkflow: their context goes to Temporal in the
 * call's headers) into the workflow (RunWorkflow, HandleUpdate, StartActivity: spans made in the
 * workflow sandbox and handed to the worker through a sink) and the activities (RunActivity).
 */

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracingSettings {
  /** Where spans go; undefined: tracing is off. */
  endpoint: string | undefined;
  protocol: OtlpProtocol;
  serviceName: string;
}

type Env = Record<string, string | undefined>;
const setting = (env: Env, name: string) => env[name]?.trim() || undefined;

/**
 * What the OTEL_* settings ask for. Throws for what k2flow cannot do (OTLP over gRPC, another
 * exporter), so that a process refuses to start rather than silently sending no traces.
 */
export function tracingSettings(env: Env, defaultServiceName: string): TracingSettings {
  const serviceName = setting(env, 'OTEL_SERVICE_NAME') ?? defaultServiceName;
  const off = { endpoint: undefined, protocol: 'http/protobuf' as const, serviceName };
  if (setting(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return off;
  const exporters = (setting(env, 'OTEL_TRACES_EXPORTER') ?? 'otlp').split(',').map((e) => e.trim().toLowerCase());
  if (exporters.includes('none')) return off;
  const unsupported = exporters.filter((e) => e !== 'otlp');
  if (unsupported.length) throw new Error(`OTEL_TRACES_EXPORTER=${unsupported.join(',')} is not supported: k2flow exports traces by OTLP only (otlp, or none).`);
  const endpoint = setting(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? setting(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (!endpoint) return off;
  if (!/^https?:\/\/[^\s/]+/i.test(endpoint)) throw new Error(`The OTLP endpoint must be an http(s) URL, e.g. http://otel-collector:4318; got "${withoutUrlPassword(endpoint)}".`);
  // The specification's default is http/protobuf; an OTLP collector takes it on port 4318.
  const protocol = setting(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? setting(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: k2flow exports traces by OTLP over HTTP (http/protobuf, the default, or http/json); point it at the collector's HTTP port (4318).`);
  }
  return { endpoint, protocol, serviceName };
}

interface Installed {
  provider: NodeTracerProvider;
  resource: Resource;
  processor: SpanProcessor;
  settings: TracingSettings;
}

let installed: Installed | null = null;

/**
 * Installs the process's tracer provider (once) when the settings name an OTLP endpoint, before
 * the process makes its Temporal client or worker. Returns the settings, or undefined when tracing is off.
 */
export function installTracing(defaultServiceName: string, env: Env = process.env): TracingSettings | undefined {
  if (installed) return installed.settings;
  const settings = tracingSettings(env, defaultServiceName);
  if (!settings.endpoint) return undefined;
  // The exporters read their URL, headers, timeout and compression from the OTEL_* settings.
  const exporter = settings.protocol === 'http/json' ? new OtlpJsonExporter() : new OtlpProtobufExporter();
  const processor = new BatchSpanProcessor(exporter);
  const resource = Resource.default()
    .merge(new Resource({ 'service.name': settings.serviceName }))
    .merge(envDetectorSync.detect());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // The context manager (AsyncLocalStorage) and the propagators of OTEL_PROPAGATORS (W3C trace context and baggage by default).
  provider.register();
  installed = { provider, resource, processor, settings };
  return settings;
}

/** For a process's start: installs tracing, or says what is wrong with its settings and exits. */
export function installTracingOrExit(defaultServiceName: string, logger: Logger): void {
  try {
    const settings = installTracing(defaultServiceName);
    if (!settings) return;
    // The exporter's own complaints (a collector that is down or refuses) reach the log, once each.
    diag.setLogger(diagnosticsTo(logger), DiagLogLevel.WARN);
    logger.info({ endpoint: withoutUrlPassword(settings.endpoint!), protocol: settings.protocol, service: settings.serviceName }, 'traces go out by OTLP');
  } catch (error) {
    logger.fatal(`could not start: ${(error as Error).message}`);
    process.exit(2);
  }
}

/** OpenTelemetry's diagnostics as log lines; the same complaint is said once a minute at most. */
function diagnosticsTo(logger: Logger): DiagLogger {
  const lastSaid = new Map<string, number>();
  const say = (level: 'warn' | 'error') => (message: string, ...args: unknown[]) => {
    const line = [message, ...args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : ''))].filter(Boolean).join(' ');
    const now = Date.now();
    if ((lastSaid.get(line) ?? 0) > now - 60_000) return;
    lastSaid.set(line, now);
    logger[level]({ component: 'opentelemetry' }, line);
  };
  const quiet = () => {};
  return { error: say('error'), warn: say('warn'), info: quiet, debug: quiet, verbose: quiet };
}

export const tracingEnabled = (): boolean => installed !== null;

/** Sends the spans ended so far (a test waits for them). */
export async function flushTracing(): Promise<void> {
  await installed?.provider.forceFlush();
}

/** At a process's stop: sends what is left and stops the exporter. */
export async function shutdownTracing(): Promise<void> {
  const current = installed;
  installed = null;
  await current?.provider.shutdown();
}

/**
 * The Temporal SDK's OpenTelemetry plugin, for a Client (its calls' spans and their context in the
 * headers) and a Worker (activities' spans, and the sink that takes the workflows' spans); none
 * when tracing is off.
 */
export function temporalTracingPlugins(): Array<ClientPlugin & WorkerPlugin> {
  if (!installed) return [];
  return [new OpenTelemetryPlugin({ resource: installed.resource, spanProcessor: new WorkflowSpanAttributes(installed.processor) })];
}

/**
 * The workflows' spans go through the `exporter` sink. Without tracing it takes them and drops
 * them, so a worker that does not trace neither logs an unregistered sink nor sends anything.
 */
export const droppedWorkflowSpans: InjectedSinks<OpenTelemetrySinks> = { exporter: { export: { fn: () => undefined } } };

/** What a Worker (or a replay worker) adds to its options: the plugin, or the sink that drops workflow spans. */
export function workerTracingOptions(): { plugins: WorkerPlugin[] } | { sinks: InjectedSinks<OpenTelemetrySinks> } {
  return installed ? { plugins: temporalTracingPlugins() } : { sinks: droppedWorkflowSpans };
}

/**
 * The worker adds the whole WorkflowInfo to each workflow span's attributes (memo, search
 * attributes, the last result among them: objects, which are not attribute values and may hold
 * what no tracing backend should keep). Only plain values stay: workflow id and type, run id, task
 * queue, namespace, attempt, history length, and the interceptors' own.
 */
const isPlain = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

class WorkflowSpanAttributes implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    const attributes = span.attributes as Record<string, unknown>;
    for (const [key, value] of Object.entries(attributes)) if (!(isPlain(value) || (Array.isArray(value) && value.every(isPlain)))) delete attributes[key];
    this.next.onEnd(span);
  }
  forceFlush = () => this.next.forceFlush();
  // The provider shuts the processor down.
  shutdown = async () => {};
}
