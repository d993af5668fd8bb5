// Messages of the application workflows. Their wire names never change once released.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApplicationStatus, Decision, UnitOutcome, UnitStatus, UnitStep } from './unit-transitions';

export interface OpenRequest {
  requestId: string;
  step: UnitStep;
  round: number;
  partyRole: 'unit-approver' | 'coordinator';
  partyName: string;
  partyEmail: string;
  deadline: string;
}

export interface RecordedDecision {
  requestId: string;
  step: UnitStep;
  round: number;
  decision: Decision;
  comment: string | null;
  partyEmail: string;
  decidedAt: string;
}

export interface UnitState {
  unitKey: string;
  name: string;
  status: UnitStatus;
  round: number;
  openRequest: OpenRequest | null;
  decisions: RecordedDecision[];
}

export interface ApplicationState {
  applicationId: string;
  variant: string;
  title: string;
  status: ApplicationStatus;
  units: UnitState[];
  /** One line per thing the application is waiting for, e.g. "unit-a: unit-approver x@y". */
  waitingFor: string[];
}

export interface DecideInput {
  requestId: string;
  decision: Decision;
  comment?: string;
}

export interface ResubmitInput {
  note?: string;
}

export interface UnitResult {
  unitKey: string;
  name: string;
  outcome: UnitOutcome;
}

export interface ApplicationResult {
  applicationId: string;
  status: ApplicationStatus;
  units: UnitResult[];
}

/** An approver's decision on the open request. Answers with the recorded decision, or refuses. */
export const decideUpdate = defineUpdate<RecordedDecision, [DecideInput]>('decide');
/** The coordinator resubmits a unit after changes were requested; the approver is asked again. */
export const resubmitUpdate = defineUpdate<UnitState, [ResubmitInput]>('resubmit');
export const unitStateQuery = defineQuery<UnitState>('unitState');
export const applicationStateQuery = defineQuery<ApplicationState>('applicationState');
/** A unit branch reports each change of its state to the application workflow. */
export const unitProgressSignal = defineSignal<[UnitState]>('unitProgress');

/** Failure types carried by refused updates; the client maps them to its own error codes. */
export const refusal = {
  requestClosed: 'REQUEST_CLOSED',
  alreadyDecided: 'ALREADY_DECIDED',
  conflict: 'CONFLICT',
  validation: 'VALIDATION',
} as const;
