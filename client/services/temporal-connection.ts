import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, WorkflowUpdateStage, type ConnectionOptions, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { temporalTracingPlugins } from '../../observability/tracing';
import type { TemporalTarget } from './temporal-target';

/**
 * How the HTTP server's Temporal calls give up when Temporal is down. The SDK's default retries a
 * failed call 10 times with backoff up to 5 s (about 20 s in all): a person waiting on a page or
 * the CLI would wait that long for a 503. Here a call is tried 3 times (about half a second of
 * backoff), and a call other than a long poll that gets no answer at all (a frozen server, a
 * black-holed address) fails at its deadline. The worker keeps its own connection with the SDK's
 * patient defaults.
 */
export const TEMPORAL_CALL_ATTEMPTS = 3;
/** The deadline of a call that sets none, except the long polls below. */
export const TEMPORAL_CALL_DEADLINE_MS = 5_000;
/** How long an update may take to be accepted by the workflow (see updateWithin). */
export const TEMPORAL_UPDATE_ACCEPT_MS = 8_000;

// Calls that legitimately wait for something to happen (an update being decided by the worker,
// new history events); the server ends them itself, and the SDK polls again.
const longPolls = /\/(UpdateWorkflowExecution|PollWorkflowExecutionUpdate|GetWorkflowExecutionHistory)$/;

/** Gives every call without a deadline of its own one, so no request waits on Temporal forever. */
function defaultDeadline(ms: number): Interceptor {
  return (options, nextCall) => {
    const keep = options.deadline !== undefined || longPolls.test(options.method_definition.path);
    return new InterceptingCall(nextCall(keep ? options : { ...options, deadline: Date.now() + ms }));
  };
}

/**
 * Connection options for a client that must answer people promptly. The deadline interceptor
 * comes first, so one deadline covers every retry of a call.
 */
export function promptConnectionOptions(address: string, options: Omit<ConnectionOptions, 'address' | 'interceptors'> = {}): ConnectionOptions {
  return {
    connectTimeout: 5_000,
    ...options,
    // After Temporal comes back, reconnect within seconds: grpc-js otherwise backs off to 2 minutes.
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 500, 'grpc.max_reconnect_backoff_ms': 5_000, ...options.channelArgs },
    address,
    interceptors: [defaultDeadline(TEMPORAL_CALL_DEADLINE_MS), makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: TEMPORAL_CALL_ATTEMPTS }))],
  };
}

export interface TemporalClientHandle {
  client: Client;
  connection: Connection;
}

/**
 * The Temporal client of the HTTP server (`npm run server`, `npm start`): connects once at start
 * (so a wrong address fails the start), then fails each call within seconds while Temporal is down
 * and recovers by itself when it is back.
 */
export async function connectTemporalClient({ address, namespace, tls, apiKey, metadata }: Pick<TemporalTarget, 'address' | 'tls' | 'apiKey' | 'metadata'> & { namespace?: string }): Promise<TemporalClientHandle> {
  const connection = await Connection.connect(promptConnectionOptions(address, { ...(tls !== undefined ? { tls } : {}), ...(apiKey ? { apiKey } : {}), ...(metadata ? { metadata } : {}) }));
  return { connection, client: serverClient(connection, namespace) };
}

/**
 * The server's Client on a connection: with tracing on, its calls (start, update, query) are spans
 * of the request that makes them, and carry their context to the workflow in Temporal's headers.
 */
export const serverClient = (connection: Connection, namespace?: string) => new Client({ connection, namespace, plugins: temporalTracingPlugins() });

/** Sends an update and waits, at most TEMPORAL_UPDATE_ACCEPT_MS, for the workflow to accept it. */
const acceptPromptly = <Ret, Args extends [unknown, ...unknown[]]>(handle: WorkflowHandle, update: UpdateDefinition<Ret, Args>, args: Args) =>
  handle.client.connection.withDeadline(Date.now() + TEMPORAL_UPDATE_ACCEPT_MS, () => handle.startUpdate(update, { args, waitForStage: WorkflowUpdateStage.ACCEPTED }));

/**
 * Runs an update the way a waiting person needs it. Getting it accepted by the workflow (its
 * validator passed; the decision or action is now the workflow's) must happen within
 * TEMPORAL_UPDATE_ACCEPT_MS, or the call fails as Temporal being unavailable (DEADLINE_EXCEEDED);
 * a missed deadline means the update was not accepted then (one the server had already admitted
 * may still be accepted when a slow worker gets to it, and a retry then finds it done). Once
 * accepted, its outcome is awaited only `resultWithinMs`: after that the workflow owns it (a decision is claimed and will be recorded, even across a
 * worker crash), and the caller answers the person that it is on its way instead of holding them.
 */
export async function updateWithin<Ret, Args extends [unknown, ...unknown[]]>(
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
  resultWithinMs: number,
): Promise<{ settled: true; result: Ret } | { settled: false }> {
  const accepted = await acceptPromptly(handle, update, args);
  // The outcome keeps coming after the caller stops waiting; its failure then is nobody's to see.
  const outcome = accepted.result().then(
    (result) => ({ settled: true as const, result }),
    (error: unknown) => ({ settled: true as const, error }),
  );
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<{ settled: false }>((resolve) => (timer = setTimeout(() => resolve({ settled: false }), resultWithinMs)));
  try {
    const first = await Promise.race([outcome, waited]);
    if (first.settled && 'error' in first) throw first.error;
    return first;
  } finally {
    clearTimeout(timer);
  }
}
