// Workflow code: this module runs in Temporal's deterministic sandbox, bundled with the workflows
// (worker/workflow-bundle.ts). It imports nothing but @temporalio/workflow and, for a workflow that
// traces, the SDK's OpenTelemetry workflow interceptors.
import { patched, type WorkflowInboundCallsInterceptor, type WorkflowInterceptors, type WorkflowInternalsInterceptor, type WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';

/**
 * The header a traced start carries its trace context in: the SDK's `TRACE_HEADER`, restated so that
 * this module need not load OpenTelemetry to read it (test/unit/workflow-interceptors.test.ts holds
 * the two equal).
 */
export const TRACE_CONTEXT_HEADER = '_tracer-data';

/**
 * The SDK's OpenTelemetry workflow interceptors, loaded by the workflow that traces and by no other.
 * A workflow instantiates every module it loads (the sandbox keeps no module across workflows), and
 * OpenTelemetry is about 110 of the bundle's modules: loaded with this one, they took about a sixth
 * of the workflow threads' CPU in `npm run bench`, for workflows that do not trace. A `require` in
 * a function is bundled as usual and run only when called.
 */
const openTelemetryInterceptors = (): WorkflowInterceptors =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  (require('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors') as typeof import('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')).interceptors();

/** The patch behind which workflows trace (see `interceptors`). */
export const TRACING_PATCH = 'opentelemetry-tracing';
/** The patch since which a workflow traces only when whoever started it traced (see `interceptors`). */
export const TRACED_BY_STARTER_PATCH = 'opentelemetry-tracing-by-starter';

/**
 * Whether this workflow traces, decided once, as it starts, from what its history holds. Since
 * TRACED_BY_STARTER_PATCH: when its start carried a trace context (the starter, a client or a parent
 * workflow, traced), so a deployment that does not trace pays nothing for spans nobody keeps (they
 * cost about a fifth of a worker's CPU). Between TRACING_PATCH and it: always. Before: never.
 */
const tracesFromStart = (headers: Record<string, unknown>): boolean => (patched(TRACED_BY_STARTER_PATCH) ? TRACE_CONTEXT_HEADER in headers : patched(TRACING_PATCH));

interface Traced {
  inbound: WorkflowInboundCallsInterceptor;
  outbound: WorkflowOutboundCallsInterceptor;
  internals: WorkflowInternalsInterceptor;
}

/**
 * The SDK's OpenTelemetry workflow interceptors (RunWorkflow, HandleUpdate, StartActivity spans,
 * and the trace context in activities' headers), for workflows started with them only. They are
 * not neutral to replay: their spans wrap the workflow's promises, so an activity's result or an
 * update's reaches the workflow a few microtasks later, and a history written without them can
 * replay in another order (the replay corpus showed it). So whether a workflow traces is decided
 * once, as it starts (tracesFromStart): on every worker alike, tracing or not (a worker that does not
 * trace drops the spans at the sink, observability/tracing.ts).
 */
export const interceptors = (): WorkflowInterceptors => {
  let traced: Traced | null = null;
  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input, next) {
      if (tracesFromStart(input.headers)) {
        const made = openTelemetryInterceptors();
        traced = { inbound: made.inbound![0]!, outbound: made.outbound![0]!, internals: made.internals![0]! };
      }
      return traced?.inbound.execute ? traced.inbound.execute(input, next) : next(input);
    },
    handleSignal: (input, next) => (traced?.inbound.handleSignal ? traced.inbound.handleSignal(input, next) : next(input)),
    handleUpdate: (input, next) => (traced?.inbound.handleUpdate ? traced.inbound.handleUpdate(input, next) : next(input)),
    validateUpdate: (input, next) => (traced?.inbound.validateUpdate ? traced.inbound.validateUpdate(input, next) : next(input)),
    handleQuery: (input, next) => (traced?.inbound.handleQuery ? traced.inbound.handleQuery(input, next) : next(input)),
  };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input, next) => (traced?.outbound.scheduleActivity ? traced.outbound.scheduleActivity(input, next) : next(input)),
    scheduleLocalActivity: (input, next) => (traced?.outbound.scheduleLocalActivity ? traced.outbound.scheduleLocalActivity(input, next) : next(input)),
    startChildWorkflowExecution: (input, next) => (traced?.outbound.startChildWorkflowExecution ? traced.outbound.startChildWorkflowExecution(input, next) : next(input)),
    startNexusOperation: (input, next) => (traced?.outbound.startNexusOperation ? traced.outbound.startNexusOperation(input, next) : next(input)),
    continueAsNew: (input, next) => (traced?.outbound.continueAsNew ? traced.outbound.continueAsNew(input, next) : next(input)),
    signalWorkflow: (input, next) => (traced?.outbound.signalWorkflow ? traced.outbound.signalWorkflow(input, next) : next(input)),
    getLogAttributes: (input, next) => (traced?.outbound.getLogAttributes ? traced.outbound.getLogAttributes(input, next) : next(input)),
  };
  const internals: WorkflowInternalsInterceptor = {
    dispose: (input, next) => (traced?.internals.dispose ? traced.internals.dispose(input, next) : next(input)),
  };
  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
};
