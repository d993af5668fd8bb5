import { ApplicationFailure, CancellationScope, condition, isCancellation, patched, setHandler } from '@temporalio/workflow';
import { activities, decisionActivities } from '../activities-proxy';
import type { DecidingParty, PartyDecision } from '../../activities/record-decision';
import { appointDeputyUpdate, decideUpdate, decisionMoment, refusal, type AppointDeputyInput, type DecideInput } from '../messages';
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
  /** Whether the step's verdict is clear: then its closing transition records the decisions that made it. */
  stepDecided(): boolean;
  /** The request passed to another person (the coordinator replaced its party): the step's state follows. */
  onReassigned?(person: { name: string; email: string; language: 'pl' | 'en' }): void;
}

/**
 * The `decide` update of one workflow: which requests are open, which closed and why. A decision
 * is claimed the moment the update is accepted, so a concurrent second one is refused.
 *
 * Engines before 'one-activity-per-transition' record the decision in the database (an activity)
 * before answering. Later ones answer at once, the decision durable in the workflow's history: the
 * server writes it from the answer before the approver sees it, and the workflow records it too,
 * with the transition that closes its step or, while the step waits for other parties, straight away.
 */
export function installDecisionInbox(lean: boolean, transitions: boolean) {
  const open = new Map<string, OpenRequestEntry & { claimed: boolean; recorded: boolean }>();
  const closedBecause = new Map<string, string>();
  // Requests closed after their decision: a late duplicate of it is "already decided", not "closed".
  const decided = new Set<string>();
  // Receipts go out from their own loop, so an SMTP outage never holds up the decider's answer.
  const receipts: Array<{ applicationId: string; requestId: string }> = [];
  let sending = false;
  // Accepted, not yet recorded by the workflow ('one-activity-per-transition'); and those being recorded.
  const unrecorded = new Map<string, PartyDecision>();
  const recording = new Set<string>();
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

  if (transitions) {
    // A decision that leaves its step waiting for others is recorded now, not when the step closes (maybe weeks later).
    const recordable = () => [...unrecorded.values()].filter((d) => open.get(d.requestId)?.stepDecided() === false);
    void (async () => {
      for (;;) {
        await condition(() => recordable().length > 0);
        const batch = recordable();
        for (const d of batch) {
          unrecorded.delete(d.requestId);
          recording.add(d.requestId);
        }
        await CancellationScope.nonCancellable(() => Promise.all(batch.map((d) => activities.recordDecision(d))));
        for (const d of batch) recording.delete(d.requestId);
      }
    })().catch((error: unknown) => {
      if (!isCancellation(error)) throw error;
    });
  }

  // A deputy decides on the same request as the party (one decision counts once): the workflow only
  // has the link issued and audited, and counts deputies per request for the email's key.
  const deputiesNamed = new Map<string, number>();
  // Each open request's deputy now (lower-cased address): only their link decides for the party.
  const deputyOf = new Map<string, string>();
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  setHandler(
    appointDeputyUpdate,
    async (input) => {
      const entry = open.get(input.requestId)!;
      const n = (deputiesNamed.get(input.requestId) ?? 0) + 1;
      deputiesNamed.set(input.requestId, n);
      deputyOf.set(input.requestId, input.deputy.email.toLowerCase());
      await activities.appointDeputy({ applicationId: entry.applicationId, requestId: input.requestId, deputy: input.deputy, n, by: input.by ? { user: input.by } : { party: true } });
      return { requestId: input.requestId, deputy: input.deputy };
    },
    {
      validator: (input: AppointDeputyInput) => {
        const entry = open.get(input.requestId);
        if (!entry && decided.has(input.requestId)) throw ApplicationFailure.create({ type: refusal.alreadyDecided, message: 'A decision was already recorded for this request: no deputy is needed.' });
        if (!entry) throw ApplicationFailure.create({ type: refusal.requestClosed, message: closedBecause.get(input.requestId) ?? 'This request is not open: no deputy can be named for it.' });
        // One person, one voice: someone already asked here (as a party or another's deputy) cannot speak for a second party.
        const speaksHere = [...open.values()].some((e) => e.requestId !== input.requestId && (same(e.partyEmail, input.deputy.email) || deputyOf.get(e.requestId) === input.deputy.email.toLowerCase()));
        if (speaksHere) throw ApplicationFailure.create({ type: refusal.validation, message: 'The deputy is already asked here, as a party or as the deputy of another: name someone else.' });
        if (entry.claimed) throw ApplicationFailure.create({ type: refusal.alreadyDecided, message: 'A decision was already recorded for this request: no deputy is needed.' });
        if (input.deputy.email.toLowerCase() === entry.partyEmail.toLowerCase()) throw ApplicationFailure.create({ type: refusal.validation, message: 'The deputy must be someone other than the party.' });
      },
    },
  );

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
        ...(input.via ? { via: input.via } : {}),
        ...(input.documents?.length ? { documents: input.documents } : {}),
      };
      if (transitions) {
        entry.recorded = true;
        entry.onRecorded(decision);
        unrecorded.set(entry.requestId, { applicationId: entry.applicationId, unitKey: entry.unitKey, ...decision, party: entry.party });
        return decision;
      }
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
    // The link must still be its holder's to use: the party's own (not passed to another person since), or the current deputy's.
    const holder = input.via?.holderEmail;
    if (holder !== undefined) {
      if (input.via?.deputy ? deputyOf.get(entry.requestId) !== holder.toLowerCase() : !same(holder, entry.partyEmail)) {
        return refuse(refusal.requestClosed, 'This link no longer works: the request passed to another person, or another deputy was named.');
      }
    }
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
        return !recording.has(id) && (!e || !e.claimed || e.recorded);
      });
    },
    /** True while no decision is being recorded by the recorder loop. */
    idle: (): boolean => recording.size === 0,
    /** Accepted decisions the workflow has not recorded yet, among `requestIds` (all without), handed to the caller to record. */
    takeUnrecorded(requestIds?: string[]): PartyDecision[] {
      const taken = [...unrecorded.values()].filter((d) => !requestIds || requestIds.includes(d.requestId));
      for (const d of taken) unrecorded.delete(d.requestId);
      return taken;
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
    /** Passes the open, undecided requests of the person with `email` to `person`; returns their ids. */
    reassign(email: string, person: { name: string; email: string; language?: 'pl' | 'en' }): string[] {
      const moved: string[] = [];
      for (const e of open.values()) {
        if (e.claimed || e.partyEmail.toLowerCase() !== email.toLowerCase()) continue;
        const language = person.language ?? 'pl';
        e.partyEmail = person.email;
        deputyOf.delete(e.requestId);
        e.party = { ...e.party, name: person.name, language };
        e.onReassigned?.({ name: person.name, email: person.email, language });
        moved.push(e.requestId);
      }
      return moved;
    },
    /** True once every receipt has been sent; a workflow waits for it before completing. */
    receiptsSent: (): boolean => receipts.length === 0 && !sending,
  };
}

export type DecisionInbox = ReturnType<typeof installDecisionInbox>;
