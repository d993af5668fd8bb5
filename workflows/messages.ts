// Messages of the application workflows. Their wire names never change once released.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/actor';
import type { DocumentRef } from '../domain/document-ref';
import type { Deputy } from '../activities/deputies';
import type { Person } from '../activities/replacements';
import type { UnitInput } from '../domain/application-input';
import type { ApplicationState, Decision, RecordedDecision, UnitState } from './engine/state';

export interface DecideInput {
  requestId: string;
  decision: Decision;
  comment?: string;
  /** A declaration's chosen service codes. */
  services?: string[];
  /**
   * When the server received the decision (ISO 8601). Under load the workflow may handle it
   * later; lateness is judged by this stamp, trusted within DECISION_STAMP_SKEW_MS of the
   * workflow's own clock. Decisions sent before stamping existed carry none.
   */
  receivedAt?: string;
  /** Through which link and from which address the decision came (recorded with it, for the evidence); absent before it was kept. */
  via?: DecisionVia;
  /** The document versions on the party's page when they decided, checked by the server against the current ones. */
  documents?: DocumentRef[];
}

/** The link a decision was made with and the client that sent it. */
export interface DecisionVia {
  tokenId: string;
  address: string;
  userAgent: string | null;
  /** When the link was a deputy's: who decided, on behalf of the request's party. */
  deputy?: { name: string; email: string };
  /** Whose link it is (the party's or the deputy's address), checked by the workflow; absent before replacements existed. */
  holderEmail?: string;
}

/** How far before the workflow's handling a server's stamp is believed (a longer wait is not load). */
export const DECISION_STAMP_SKEW_MS = 2 * 60_000;

/** The moment a decision counts as made: the server's stamp, clamped to the bounded skew. */
export function decisionMoment(receivedAt: string | undefined, now: number): number {
  const stamped = receivedAt === undefined ? Number.NaN : Date.parse(receivedAt);
  if (Number.isNaN(stamped)) return now;
  return Math.min(now, Math.max(stamped, now - DECISION_STAMP_SKEW_MS));
}

/** Who asked for a coordinator's action. Updates sent before sign-in existed carry no `by`, or no argument at all. */
export interface ActedBy {
  by?: Actor;
}

/** What the coordinator changed of what was asked, resubmitting (absent in resubmissions from before changes existed). */
export interface ResubmitChanges {
  /** A unit's project reference, which its steps name in what they ask (a unit's resubmission only). */
  projectReference?: string;
  /** Units' declared services as the coordinator amended them, by unit key (the application's own steps, which sign them). */
  services?: Record<string, string[]>;
}

/** One change made on resubmitting, as the audit trail and the parties' pages show it. */
export interface ChangeMade {
  field: 'projectReference' | 'services';
  unitKey: string | null;
  before: string | string[] | null;
  after: string | string[];
}

export interface ResubmitInput extends ActedBy {
  note?: string;
  changes?: ResubmitChanges;
  /** A new deadline (ISO 8601) for the step the work goes back to; without one, see run-branch.ts. */
  deadline?: string;
}

export interface WithdrawInput extends ActedBy {
  reason: string;
}

export interface RemoveUnitInput extends ActedBy {
  unitKey: string;
  reason: string;
}

export interface ExtendDeadlineInput extends ActedBy {
  /** The new deadline, ISO 8601 with a zone; moved to a working day like any deadline. */
  deadline: string;
}

/** A party's decision on one open request. Answers with the recorded decision, or refuses with a reason. */
export const decideUpdate = defineUpdate<RecordedDecision, [DecideInput]>('decide');
/** The coordinator resubmits after changes were requested; the step's parties are asked again. */
export const resubmitUpdate = defineUpdate<void, [ResubmitInput]>('resubmit');
/** The coordinator withdraws the application: open requests close and their parties are told. */
export const withdrawUpdate = defineUpdate<ApplicationState, [WithdrawInput]>('withdraw');
/** The coordinator adds a unit while sign-offs are being collected. */
export const addUnitUpdate = defineUpdate<ApplicationState, [UnitInput, ActedBy]>('addUnit');
/** The coordinator removes a unit while sign-offs are being collected; its open requests close. */
export const removeUnitUpdate = defineUpdate<ApplicationState, [RemoveUnitInput]>('removeUnit');

export interface AppointDeputyInput {
  requestId: string;
  deputy: Deputy;
  /** A signed-in coordinator; absent when the party names their deputy through their own link. */
  by?: Actor;
}

/** A party (through their link) or the coordinator names a deputy for an open request: the deputy gets a link of their own. */
export const appointDeputyUpdate = defineUpdate<{ requestId: string; deputy: Deputy }, [AppointDeputyInput]>('appointDeputy');

export interface ReplacePersonInput {
  /** The address of the person replaced. */
  email: string;
  person: Person;
  by: Actor;
}

/** The coordinator puts another person in someone's place: their open requests pass to the new person, and later steps ask them. */
export const replacePersonUpdate = defineUpdate<{ places: number; requests: number }, [ReplacePersonInput]>('replacePerson');

/** The coordinator extends the current step's deadline; reminders are rescheduled from it. */
export const extendDeadlineUpdate = defineUpdate<{ deadline: string }, [ExtendDeadlineInput]>('extendDeadline');
/** After a missed deadline, the coordinator goes on without the parties who did not decide, where the step allows it. */
export const proceedWithoutMissingUpdate = defineUpdate<void, [ActedBy]>('proceedWithoutMissing');

export const applicationStateQuery = defineQuery<ApplicationState>('applicationState');
export const unitStateQuery = defineQuery<UnitState>('unitState');
/** A unit branch reports each change of its state to the application workflow. */
export const unitProgressSignal = defineSignal<[UnitState]>('unitProgress');

/** Failure types carried by refused updates; the client maps them to its error codes. */
export const refusal = {
  requestClosed: 'REQUEST_CLOSED',
  deadlinePassed: 'DEADLINE_PASSED',
  alreadyDecided: 'ALREADY_DECIDED',
  conflict: 'CONFLICT',
  validation: 'VALIDATION',
} as const;
