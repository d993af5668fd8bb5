import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import { describe, expect, it } from 'vitest';
import { TRACE_CONTEXT_HEADER } from '../../observability/workflow-interceptors';

describe('workflow interceptors', () => {
  it("read a start's trace context from the header the SDK's OpenTelemetry interceptors write it to", () => {
    expect(TRACE_CONTEXT_HEADER).toBe(TRACE_HEADER);
  });
});
