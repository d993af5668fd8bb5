import { condition, patched } from '@temporalio/workflow';
import type { OpenApprovalRequestInput } from '../../activities/open-approval-request';
import type { ApplicationInput, UnitInput } from '../../domain/application-input';
import { activities } from '../activities-proxy';
import { effectiveDeadline } from '../calendar/business-calendar';
import { nextEscalation, reminderPolicyFor, reminderSkipReason, reminderTimes, type ScheduleUnit } from '../calendar/schedule';
import type { DeadlineControls } from './deadline-controls';
import type { DecisionInbox } from './decision-inbox';
import type { StepDefinition } from './definition';
import { patchedOrLean } from './lean-engine';
import { fillAsk, partiesFor } from './parties';
import { decisionStatus, stepAskIn, type StepState, type StepVerdict } from './state';
import type { Transitions } from './transitions';
import { stepVerdict } from './verdict';

export interface BranchContext {
  applicationId: string;
  applicationTitle: string;
  input: ApplicationInput;
  unit: UnitInput | null;
  workflowId: string;
  inbox: DecisionInbox;
  /** Reports state to whoever queries it; called before any email about the new state goes out. */
  report(): Promise<void>;
  /** "Unit: service, service; ..." for steps that sign what the units declared. */
  declaredServices(): string;
  catalogue: string[];
  controls: DeadlineControls;
  scheduleUnit: ScheduleUnit;
  /** On the lean engine (engine/lean-engine.ts). */
  lean: boolean;
  /** On engines with one activity per step transition (engine/transitions.ts); null before them. */
  transitions: Transitions | null;
}

/** Reminders, escalation and working-day deadlines came after the first release. */
const SCHEDULES_PATCH = 'deadline-reminders-escalation';
// Histories from before it go on without the missing parties unaudited.
const PROCEED_AUDIT_PATCH = 'audit-proceed-without-missing';
// Asked only when an extension came while the step's requests were being opened (so only those histories get its marker).
const EARLY_EXTENSION_PATCH = 'extension-while-opening';

/** Builds the state of a step about to open: every party pending; `deadline` overrides the input's (a reopened step). */
export function openingState(ctx: BranchContext, step: StepDefinition, round: number, reopenedDeadline?: string): StepState {
  const scope = ctx.unit?.key ?? 'application';
  const parties = step.roles.flatMap((role) => partiesFor(role, ctx.input, ctx.unit));
  const ask = fillAsk(step.ask, ctx.input, ctx.unit, ctx.declaredServices());
  const askPl = step.askPl ? fillAsk(step.askPl, ctx.input, ctx.unit, ctx.declaredServices()) : ask;
  const given = (ctx.input.deadlines as Record<string, string>)[step.deadline]!;
  // In a fixed-unit schedule (tests) there is no calendar to move deadlines by.
  const fromInput = patchedOrLean(ctx.lean, SCHEDULES_PATCH) && ctx.scheduleUnit.kind === 'working-day' ? new Date(effectiveDeadline(Date.parse(given))).toISOString() : given;
  const deadline = reopenedDeadline ?? fromInput;
  return {
    stepId: step.id,
    kind: step.kind,
    ask,
    askPl,
    round,
    deadline,
    quorum: step.quorum,
    status: 'open',
    parties: parties.map((p) => ({
      requestId: `${ctx.applicationId}:${scope}:${step.id}:${round}:${p.key}`,
      role: p.role,
      name: p.name,
      email: p.email,
      language: p.language ?? 'pl',
      ask: (p.language ?? 'pl') === 'pl' ? askPl : ask,
      status: 'pending',
      comment: null,
      decidedAt: null,
      late: false,
      services: null,
    })),
  };
}

/**
 * Runs one step: opens a request per party (each emailed a link), collects decisions until the
 * verdict is clear (reminding and escalating around the deadline, see awaitVerdict), then closes
 * the requests still open.
 */
export async function runStep(ctx: BranchContext, step: StepDefinition, state: StepState, previousComment: string | null): Promise<StepVerdict> {
  const requestIds = state.parties.map((p) => p.requestId);
  const stepDecided = () => stepVerdict(step, state.parties) !== 'pending';
  // Requests open before their emails go out: a party may click the moment the email arrives.
  for (const party of state.parties) {
    ctx.inbox.open({
      requestId: party.requestId,
      applicationId: ctx.applicationId,
      unitKey: ctx.unit?.key ?? null,
      step,
      round: state.round,
      deadline: state.deadline,
      partyEmail: party.email,
      party: { role: party.role, name: party.name, language: party.language, ask: party.ask, applicationTitle: ctx.applicationTitle, concerning: ctx.unit?.name ?? ctx.applicationTitle },
      catalogue: ctx.catalogue,
      onRecorded(d) {
        Object.assign(party, { status: decisionStatus[d.decision], comment: d.comment, decidedAt: d.decidedAt, late: d.late, services: d.services });
      },
      stepDecided,
      onReassigned(person) {
        Object.assign(party, person);
      },
    });
  }
  await ctx.report();
  const requests = state.parties.map((party): OpenApprovalRequestInput => ({
    requestId: party.requestId,
    applicationId: ctx.applicationId,
    applicationTitle: ctx.applicationTitle,
    unitKey: ctx.unit?.key ?? null,
    unitName: ctx.unit?.name ?? null,
    stepId: step.id,
    kind: step.kind,
    ask: party.ask,
    round: state.round,
    workflowId: ctx.workflowId,
    partyRole: party.role,
    partyName: party.name,
    partyEmail: party.email,
    partyLanguage: party.language,
    deadline: state.deadline,
    acceptsLate: step.lateDecisions === 'accept',
    previousComment: previousComment ?? undefined,
  }));
  if (ctx.transitions) await ctx.transitions.flush({ open: requests });
  else await Promise.all(requests.map((r) => activities.openApprovalRequest(r)));

  const result = patchedOrLean(ctx.lean, SCHEDULES_PATCH) ? await awaitVerdict(ctx, step, state) : await awaitVerdictUntilDeadline(ctx, step, state);
  const final: StepVerdict = result === 'pending' ? 'expired' : result;
  const reason = final === 'expired' ? `Its deadline passed on ${state.deadline}.` : 'The step was decided without this request.';
  const undecided = ctx.inbox.close(requestIds, `This request is closed. ${reason}`);
  state.status = final;
  for (const party of state.parties) if (party.status === 'pending') party.status = 'closed';
  const close = undecided.length ? { requestIds: undecided, status: final === 'expired' ? ('expired' as const) : ('closed' as const), reason } : null;
  // The decisions that closed the step, and its other requests, go with the branch's next move.
  if (ctx.transitions) ctx.transitions.stage({ decisions: ctx.inbox.takeUnrecorded(requestIds), close });
  else if (close) await activities.closeApprovalRequests({ applicationId: ctx.applicationId, ...close });
  return final;
}

/** The first release: wait until the deadline, then the step expires (or, accepting late decisions, waits on). */
async function awaitVerdictUntilDeadline(ctx: BranchContext, step: StepDefinition, state: StepState): Promise<StepVerdict | 'pending'> {
  const requestIds = state.parties.map((p) => p.requestId);
  const verdict = () => stepVerdict(step, state.parties);
  await condition(() => verdict() !== 'pending', msUntil(state.deadline));
  // A decision accepted just before the deadline is still being recorded: let it land.
  await condition(() => ctx.inbox.settled(requestIds));
  if (verdict() === 'pending' && step.lateDecisions === 'accept') {
    state.status = 'overdue';
    await ctx.report();
    await condition(() => verdict() !== 'pending' && ctx.inbox.settled(requestIds));
  }
  return verdict();
}

/**
 * Waits for the verdict, reminding pending parties before the deadline. When the deadline passes
 * with parties pending, the coordinator is told at once and again every working day until they
 * extend the deadline (reminders start over from it), go on without the missing parties (where
 * the step allows it), or withdraw the application.
 */
async function awaitVerdict(ctx: BranchContext, step: StepDefinition, state: StepState): Promise<StepVerdict | 'pending'> {
  const { controls, scheduleUnit: unit } = ctx;
  const requestIds = state.parties.map((p) => p.requestId);
  const pending = () => state.parties.filter((p) => p.status === 'pending');
  const verdict = () => stepVerdict(step, state.parties);
  // runBranch set `calendar` and cleared the extension as the step opened.
  Object.assign(controls, { step, proceedWithoutMissing: false });
  // An extension accepted while this step's requests were being opened stands: its caller was told so.
  // (runBranch clears it as the step opens; earlier histories dropped it here.)
  if (controls.extendedTo !== null && !patched(EARLY_EXTENSION_PATCH)) controls.extendedTo = null;
  const acted = () => verdict() !== 'pending' || controls.extendedTo !== null || controls.proceedWithoutMissing;
  const settle = () => condition(() => ctx.inbox.settled(requestIds));
  const applyExtension = async (): Promise<boolean> => {
    if (!controls.extendedTo) return false;
    const previous = state.deadline;
    state.deadline = controls.extendedTo;
    controls.extendedTo = null;
    state.status = 'open';
    ctx.inbox.extend(requestIds, state.deadline);
    await activities.recordDeadlineExtended({ applicationId: ctx.applicationId, requestIds: pending().map((p) => p.requestId), previous, deadline: state.deadline, by: controls.by });
    await ctx.report();
    return true;
  };

  for (;;) {
    const policy = reminderPolicyFor(ctx.input, step);
    for (const at of reminderTimes(Date.parse(state.deadline), policy, Date.now(), unit)) {
      if (await condition(acted, Math.max(1, at - Date.now()))) break;
      // After a worker outage the timers fire late: a stale reminder (or one past the deadline,
      // whose new link would be dead) is recorded as skipped instead of sent.
      const skipped = reminderSkipReason(at, Date.now(), Date.parse(state.deadline), unit);
      await activities.remindParties({ applicationId: ctx.applicationId, requestIds: pending().map((p) => p.requestId), at: new Date(at).toISOString(), ...(skipped ? { skipped } : {}) });
    }
    await condition(acted, msUntil(state.deadline));
    await settle();
    if (verdict() !== 'pending') return verdict();
    if (await applyExtension()) continue;

    state.status = 'overdue';
    await ctx.report();
    for (let n = 0; !acted(); n += 1) {
      await activities.escalateMissedDeadline({
        applicationId: ctx.applicationId,
        key: `${requestIds[0]}:${state.deadline}:${n}`,
        unitKey: ctx.unit?.key ?? null,
        subject: ctx.unit?.name ?? ctx.applicationTitle,
        stepId: step.id,
        ask: stepAskIn(state, ctx.input.coordinator.language),
        deadline: state.deadline,
        missing: pending().map((p) => `${p.name} <${p.email}> (${p.role})`),
        canProceed: step.proceedWithoutMissing === true,
        coordinator: ctx.input.coordinator,
        escalation: n + 1,
      });
      await condition(acted, Math.max(1, nextEscalation(Date.now(), unit) - Date.now()));
    }
    await settle();
    if (verdict() !== 'pending') return verdict();
    if (await applyExtension()) continue;
    // The coordinator chose to go on: the audit names them and the parties left out.
    if (patchedOrLean(ctx.lean, PROCEED_AUDIT_PATCH)) {
      await activities.recordProceededWithoutMissing({
        applicationId: ctx.applicationId,
        stepId: step.id,
        unitKey: ctx.unit?.key ?? null,
        deadline: state.deadline,
        missing: pending().map((p) => ({ requestId: p.requestId, name: p.name, role: p.role })),
        by: controls.by,
      });
    }
    // Going on without the missing parties counts them as not having approved.
    const withoutMissing = stepVerdict(step, state.parties.map((p) => (p.status === 'pending' ? { ...p, status: step.kind === 'declaration' ? 'declined' : 'rejected' } : p)));
    const explicit = state.parties.some((p) => p.status === 'rejected' || p.status === 'declined');
    return withoutMissing === 'approved' || withoutMissing === 'declared' || explicit ? withoutMissing : 'expired';
  }
}

// Date.now() is the workflow's deterministic clock here; a timer needs at least 1 ms.
export const msUntil = (iso: string) => Math.max(1, Date.parse(iso) - Date.now());
