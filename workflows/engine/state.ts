import type { DocumentRef } from '../../domain/document-ref';
import type { DecisionVia } from '../messages';
// What the engine reports through queries: plain JSON, also read by the client.
import type { Quorum, StepKind } from './definition';

export const signOffDecisions = ['approve', 'reject', 'request-changes'] as const;
export const declarationDecisions = ['declare', 'decline'] as const;
export type Decision = (typeof signOffDecisions)[number] | (typeof declarationDecisions)[number];

/** What a party's decision makes of its request: the one map from decisions to statuses. */
export const decisionStatus = {
  approve: 'approved',
  reject: 'rejected',
  'request-changes': 'changes-requested',
  declare: 'declared',
  decline: 'declined',
} as const satisfies Record<Decision, string>;
export type DecidedStatus = (typeof decisionStatus)[Decision];
/** Statuses of a request that holds a decision (others are pending, or closed without one). */
export const decidedStatuses: readonly string[] = Object.values(decisionStatus);

export type PartyStatus = 'pending' | DecidedStatus | 'closed';

export interface PartyState {
  requestId: string;
  role: string;
  name: string;
  email: string;
  language: 'pl' | 'en';
  /** What this party is asked, in their language. */
  ask: string;
  status: PartyStatus;
  comment: string | null;
  decidedAt: string | null;
  late: boolean;
  services: string[] | null;
}

export type StepStatus = 'open' | 'overdue' | StepVerdict;
export type StepVerdict = 'approved' | 'rejected' | 'changes-requested' | 'declared' | 'declined' | 'expired';

export interface StepState {
  stepId: string;
  kind: StepKind;
  ask: string;
  /** The ask in Polish, where the definition gives it (absent in steps opened before it was kept). */
  askPl?: string;
  round: number;
  deadline: string;
  quorum: Quorum;
  status: StepStatus;
  parties: PartyState[];
}

export type BranchStatus = 'waiting' | 'in-progress' | 'changes-requested' | BranchOutcome;
/** How a unit's branch ended; `withdrawn` and `not-reached` (an earlier stage failed) only in application results. */
export const branchOutcomes = ['succeeded', 'rejected', 'declined', 'expired', 'removed', 'withdrawn', 'not-reached'] as const;
export type BranchOutcome = (typeof branchOutcomes)[number];
export const isBranchOutcome = (status: BranchStatus): status is BranchOutcome => (branchOutcomes as readonly string[]).includes(status);

export interface BranchState {
  status: BranchStatus;
  round: number;
  current: StepState | null;
  history: StepState[];
  /** While changes are requested: when the coordinator's resubmission is due (extendable). */
  resubmitBy?: string | null;
}

export interface UnitState extends BranchState {
  unitKey: string;
  name: string;
  stageId: string | null;
  declaredServices: string[] | null;
}

/** A unit before its branch has run any step (`stageId` null until a per-unit stage takes it up). */
export const waitingUnit = (unit: { key: string; name: string }, stageId: string | null = null): UnitState => ({
  unitKey: unit.key,
  name: unit.name,
  stageId,
  status: 'waiting',
  round: 1,
  current: null,
  history: [],
  declaredServices: null,
});

export type ApplicationStatus = 'collecting-sign-offs' | 'approved' | 'submitted' | 'concluded' | 'rejected' | 'failed' | 'lapsed' | 'withdrawn';

export interface ApplicationState {
  applicationId: string;
  variant: string;
  definitionVersion: number;
  title: string;
  status: ApplicationStatus;
  stage: { id: string; name: string; scope: 'application' | 'per-unit' } | null;
  /** The application-level steps, run and running. */
  steps: BranchState;
  units: UnitState[];
  /** One line per party or person the application is waiting for. */
  waitingFor: string[];
}

export interface RecordedDecision {
  requestId: string;
  stepId: string;
  round: number;
  decision: Decision;
  comment: string | null;
  services: string[] | null;
  partyEmail: string;
  decidedAt: string;
  late: boolean;
  /** The link and client it came through (messages.ts DecideInput.via), where the server passed them. */
  via?: DecisionVia | null;
  /** The document versions the party was shown when they decided (absent where there were none, and before documents existed). */
  documents?: DocumentRef[];
}

export interface UnitResult {
  unitKey: string;
  name: string;
  outcome: BranchOutcome;
  declaredServices: string[] | null;
}

/** What a unit branch returns: its result and, on the lean engine, its final state for the application to keep. */
export interface BranchResult extends UnitResult {
  state?: UnitState;
}

export interface ApplicationResult {
  applicationId: string;
  status: ApplicationStatus;
  units: UnitResult[];
}

/** What a step asks, in a reader's language (the coordinator's emails); English where no Polish is kept. */
export const stepAskIn = (step: Pick<StepState, 'ask' | 'askPl'>, language: 'pl' | 'en' | undefined): string => ((language ?? 'pl') === 'pl' ? (step.askPl ?? step.ask) : step.ask);
