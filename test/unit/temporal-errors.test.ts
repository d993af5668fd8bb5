import { describe, expect, it } from 'vitest';
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { isTemporalUnavailable } from '../../client/services/temporal-errors';

/** A gRPC error as @grpc/grpc-js raises it (code, details, metadata), wrapped as the client wraps it. */
const grpcError = (code: number, details: string) => {
  const e = Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  return new Error('Failed to query Workflow', { cause: e });
};

describe('Temporal errors a caller may retry (answered 503, never 500)', () => {
  it('counts an unreachable server, a call past its deadline, a reached limit and a query no worker polls for', () => {
    expect(isTemporalUnavailable(grpcError(14, 'No connection established'))).toBe(true);
    expect(isTemporalUnavailable(grpcError(4, 'Deadline exceeded'))).toBe(true);
    expect(isTemporalUnavailable(grpcError(8, 'limit on number of concurrent in-flight updates has been reached (10)'))).toBe(true);
    expect(isTemporalUnavailable(grpcError(9, 'no poller seen for task queue recently'))).toBe(true);
  });

  it('counts an update whose call ended at its deadline as cancelled (seen in approval-links.test.ts)', () => {
    expect(isTemporalUnavailable(new WorkflowUpdateRPCTimeoutOrCancelledError('Call cancelled: 1 CANCELLED: Call cancelled', { cause: grpcError(1, 'Call cancelled') }))).toBe(true);
    expect(isTemporalUnavailable(grpcError(1, 'Call cancelled'))).toBe(true);
  });

  it('leaves other failures to be explained elsewhere', () => {
    expect(isTemporalUnavailable(grpcError(9, 'namespace is not active'))).toBe(false);
    expect(isTemporalUnavailable(grpcError(5, 'workflow not found'))).toBe(false);
    expect(isTemporalUnavailable(new Error('no poller seen'))).toBe(false);
  });
});
