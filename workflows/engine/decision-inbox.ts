import { ApplicationFailure, condition, isCancellation, patched, setHandler } from '@temporalio/workflow';
import { activities, decisionActivities } from '../activities-proxy';
import type { DecidingParty } from '../../activities/record-decision';
import { decideUpdate, decisionMoment, refusal, type DecideInput } from '../messages';
import type { StepDefinition } from './definition';
import type { RecordedDecision } from './state';
import { allowedDecisions, commentRequired } from './verdict';

export interface OpenRequestEntry {
  requestId: string;
  applicationId: string;
  unitKey: string | null;
  step: StepDefinition;
  round: number;
  deadline: string;
  partyEmail: string;
  /** The party as the workflow holds it, which the lean engine's record and receipt use. */
  party: DecidingParty;
  /** Service codes a declaration may choose from. */
  catalogue: string[];
  onRecorded(decision: RecordedDecision): void;
}

/**
 * The `decide` update of one workflow: which requests are open, which closed and why. A decision
 * is claimed the moment the update is accepted, so a concurrent second one is refused, and is
 * recorded in the database before the approver gets the answer.
 */
export function installDecisionInbox(lean: boolean) {
  const open = new Map<string, OpenRequestEntry & { claimed: boolean; recorded: boolean }>();
  const closedBecause = new Map<string, string>();
  // Requests closed after their decision: a late duplicate of it is "already decided", not "closed".
  const decided = new Set<string>();
  // Receipts go out from their own loop, so an SMTP outage never holds up the decider's answer.
  const receipts: Array<{ applicationId: string; requestId: string }> = [];
  let sending = false;
  // The lean engine's decision activity queues the receipt itself; the earlier one sends it from here.
  const receiptsEnabled = !lean && patched('decision-receipts');
  if (receiptsEnabled) {
    void (async () => {
      for (;;) {
        await condition(() => receipts.length > 0);
        sending = true;
        await activities.sendDecisionReceipt(receipts[0]!);
        receipts.shift();
        sending = false;
      }
    })().catch((error: unknown) => {
      // A cancelled workflow (unit removed, application withdrawn) simply stops sending receipts.
      if (!isCancellation(error)) throw error;
    });
  }

  setHandler(
    decideUpdate,
    async (input) => {
      const entry = open.get(input.requestId)!;
      entry.claimed = true;
      const decision: RecordedDecision = {
        requestId: entry.requestId,
        stepId: entry.step.id,
        round: entry.round,
        decision: input.decision,
        comment: input.comment?.trim() || null,
        services: input.decision === 'declare' ? [...new Set(input.services)] : null,
        partyEmail: entry.partyEmail,
        decidedAt: new Date(decisionMoment(input.receivedAt, Date.now())).toISOString(),
        late: decisionMoment(input.receivedAt, Date.now()) > Date.parse(entry.deadline),
      };
      await decisionActivities.recordDecision({ applicationId: entry.applicationId, unitKey: entry.unitKey, ...decision, ...(lean ? { party: entry.party } : {}) });
      entry.recorded = true;
      entry.onRecorded(decision);
      if (receiptsEnabled) receipts.push({ applicationId: entry.applicationId, requestId: entry.requestId });
      return decision;
    },
    { validator: (input: DecideInput) => validate(input) },
  );

  function validate(input: DecideInput): void {
    const entry = open.get(input.requestId);
    const refuse = (type: string, message: string) => {
      throw ApplicationFailure.create({ type, message });
    };
    if (!entry) {
      if (decided.has(input.requestId)) return refuse(refusal.alreadyDecided, 'A decision was already recorded for this request.');
      return refuse(refusal.requestClosed, closedBecause.get(input.requestId) ?? 'This request is not open for decisions.');
    }
    if (entry.claimed) return refuse(refusal.alreadyDecided, 'A decision was already recorded for this request.');
    if (decisionMoment(input.receivedAt, Date.now()) > Date.parse(entry.deadline) && entry.step.lateDecisions === 'refuse') {
      return refuse(refusal.deadlinePassed, `The deadline for this request passed on ${entry.deadline}; the decision was not recorded.`);
    }
    const allowed = allowedDecisions(entry.step);
    if (!allowed.includes(input.decision)) return refuse(refusal.validation, `The decision must be one of: ${allowed.join(', ')}.`);
    if (commentRequired(input.decision) && !input.comment?.trim()) {
      return refuse(refusal.validation, `A comment is required to ${input.decision}.`);
    }
    if (input.decision === 'declare') {
      const chosen = input.services ?? [];
      if (chosen.length === 0) return refuse(refusal.validation, 'Choose at least one service to declare, or decline.');
      const unknown = chosen.filter((s) => !entry.catalogue.includes(s));
      if (unknown.length) return refuse(refusal.validation, `Unknown services: ${unknown.join(', ')}.`);
    }
  }

  return {
    open(entry: OpenRequestEntry): void {
      open.set(entry.requestId, { ...entry, claimed: false, recorded: false });
    },
    /** True once no accepted decision among these requests is still being recorded. */
    settled(requestIds: string[]): boolean {
      return requestIds.every((id) => {
        const e = open.get(id);
        return !e || !e.claimed || e.recorded;
      });
    },
    /** Closes requests, remembering why for late-comers; returns those that had no decision. */
    close(requestIds: string[], reason: string): string[] {
      const undecided: string[] = [];
      for (const id of requestIds) {
        const e = open.get(id);
        if (!e) continue;
        if (e.claimed) decided.add(id);
        else undecided.push(id);
        open.delete(id);
        closedBecause.set(id, reason);
      }
      return undecided;
    },
    /** Moves the deadline of open requests (the coordinator extended it). */
    extend(requestIds: string[], deadline: string): void {
      for (const id of requestIds) {
        const e = open.get(id);
        if (e) e.deadline = deadline;
      }
    },
    openRequestIds: (): string[] => [...open.keys()],
    /** True once every receipt has been sent; a workflow waits for it before completing. */
    receiptsSent: (): boolean => receipts.length === 0 && !sending,
  };
}

export type DecisionInbox = ReturnType<typeof installDecisionInbox>;
