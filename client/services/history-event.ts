import type protos from '@temporalio/proto';

type HistoryEvent = protos.temporal.api.history.v1.IHistoryEvent;

/** An event's attributes (the one `…EventAttributes` field it has), readable: payloads as their JSON text, 64-bit numbers as numbers. */
export function eventAttributes(e: HistoryEvent): Record<string, unknown> | null {
  const key = Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k]);
  if (!key) return null;
  const text = JSON.stringify((e as Record<string, unknown>)[key], (_name, value: unknown) => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    // protobufjs Longs
    const long = value as { low?: unknown; high?: unknown; toNumber?: () => number } | null;
    if (long && typeof long === 'object' && 'low' in long && 'high' in long && typeof long.toNumber === 'function') return long.toNumber();
    return value;
  });
  return text ? (JSON.parse(text) as Record<string, unknown>) : null;
}

/** The few words that say what an event was about: the activity, update, signal, child or timer it names. */
export function eventSubject(e: HistoryEvent): string | null {
  return (
    e.activityTaskScheduledEventAttributes?.activityType?.name ??
    e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ??
    e.workflowExecutionSignaledEventAttributes?.signalName ??
    e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ??
    e.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId ??
    e.markerRecordedEventAttributes?.markerName ??
    e.timerStartedEventAttributes?.timerId ??
    e.activityTaskFailedEventAttributes?.failure?.message ??
    e.workflowTaskFailedEventAttributes?.failure?.message ??
    null
  );
}
