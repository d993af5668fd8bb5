import { ApplicationFailure, isGrpcServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { DomainError, domainErrorCodes, type DomainErrorCode } from '../../domain/domain-error';

/**
 * The DomainError that explains a refused or failed Temporal update; rethrows anything else.
 * Refusals carry their code as the ApplicationFailure type (see workflows/messages.ts).
 */
export function explainUpdateFailure(error: unknown, whenClosed: DomainError): DomainError {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const type = error.cause.type as DomainErrorCode;
    if (domainErrorCodes.includes(type)) return new DomainError(type, error.cause.message);
  }
  // Not a refusal: the workflow could not run the update (e.g. its task failed while a worker
  // crashed). Nothing was applied; the same request may be sent again shortly.
  if (error instanceof WorkflowUpdateFailedError) return new DomainError('UNAVAILABLE', 'The workflow could not take this request just now; nothing was changed. Try again in a few minutes.');
  if (isWorkflowNotFound(error) || isCompletedWorkflowError(error)) return whenClosed;
  throw error;
}

// An update to a workflow that already completed is answered with this gRPC failure.
export const isCompletedWorkflowError = (error: unknown): boolean =>
  error instanceof Error && /workflow execution already completed/i.test(error.message);

const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_NOT_FOUND = 5;
const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_UNAVAILABLE = 14;

/** Some client calls (describe) raise WorkflowNotFoundError, others (fetchHistory) a raw gRPC NOT_FOUND. */
export const isWorkflowNotFound = (error: unknown): boolean =>
  error instanceof WorkflowNotFoundError || (isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND);

/**
 * Temporal cannot serve the call right now (the client wraps the gRPC error): the caller may retry
 * later. UNAVAILABLE once the client's bounded retries are spent; DEADLINE_EXCEEDED when a call
 * got no answer before its deadline (client/services/temporal-connection.ts), e.g. a frozen server;
 * RESOURCE_EXHAUSTED when a limit is reached (e.g. 10 updates in flight on one workflow while its
 * worker is away); FAILED_PRECONDITION "no poller seen" when a query finds no worker to answer it.
 * An update's call past its deadline may also end CANCELLED rather than DEADLINE_EXCEEDED (grpc-js
 * reports whichever it saw first; the client wraps it in WorkflowUpdateRPCTimeoutOrCancelledError):
 * k2flow cancels no call but through a deadline, so that is the same "not now".
 */
export function isTemporalUnavailable(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (!isGrpcServiceError(e)) continue;
    if (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED || e.code === GRPC_RESOURCE_EXHAUSTED || e.code === GRPC_CANCELLED) return true;
    if (e.code === GRPC_FAILED_PRECONDITION && /no poller/i.test(e.message)) return true;
  }
  return false;
}
