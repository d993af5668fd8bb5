import { condition, patched } from '@temporalio/workflow';
import { activities } from '../activities-proxy';
import { effectiveDeadline } from '../calendar/business-calendar';
import { DEFAULT_REOPEN_WORKING_DAYS, laterOf, workingDaysAfter } from '../calendar/schedule';
import { awaitResubmission } from './await-resubmission';
import type { StepDefinition } from './definition';
import { patchedOrLean } from './lean-engine';
import { msUntil, openingState, runStep, type BranchContext } from './run-step';
import { stepAskIn, type BranchOutcome, type BranchState, type BranchStatus } from './state';

/** Reopened steps get a deadline ahead; waiting for a resubmission has its own deadline, reminders and escalation. */
const REOPENED_DEADLINES_PATCH = 'reopened-step-deadlines';
// Asked only where it matters (a later step found past its deadline after a send-back), so no other history gets its marker.
const LATER_STEPS_AFTER_SEND_BACK_PATCH = 'later-steps-after-send-back';

export interface Resubmission {
  /** Set by the `resubmit` update handler. */
  received: boolean;
  /** The deadline the coordinator gave the reopened step when resubmitting, if any. */
  deadline?: string;
}

/**
 * Runs a branch's steps in order. Approved or declared steps move on; a rejection, a decline or
 * a missed deadline ends the branch; a request for changes restarts at the step the definition
 * names, after the coordinator's resubmission where it asks for one.
 */
export async function runBranch(
  ctx: BranchContext,
  steps: StepDefinition[],
  branch: BranchState,
  resubmission: Resubmission,
  /** Records the branch's new status; with transitions (BranchContext.transitions), stages it for the next one. */
  setStatus: (status: BranchStatus) => Promise<void>,
): Promise<{ outcome: BranchOutcome; services: string[] | null }> {
  // Branches begun before this change keep their first behaviour (see the replay corpus).
  const reopening = patchedOrLean(ctx.lean, REOPENED_DEADLINES_PATCH);
  // Each step's deadline as it last stood (extensions included), for when it opens again.
  const lastDeadline = new Map<string, string>();
  let givenDeadline: string | undefined;
  let index = 0;
  let previousComment: string | null = null;
  let services: string[] | null = null;
  while (index < steps.length) {
    const step = steps[index]!;
    const state = openingState(ctx, step, branch.round, reopening ? reopenedDeadline(ctx, step, lastDeadline.get(step.id), givenDeadline) : undefined);
    givenDeadline = undefined;
    // Sent back and resubmitted, a step opening for the first time may find its input's deadline
    // gone; like a reopened step, it gets the reopening bound, so its parties' links are not dead on arrival.
    if (branch.round > 1 && !lastDeadline.has(step.id) && Date.parse(state.deadline) <= Date.now() && patched(LATER_STEPS_AFTER_SEND_BACK_PATCH)) {
      state.deadline = reopenedDeadline(ctx, step, state.deadline, undefined)!;
    }
    // A new step starts with no extension: one accepted from here on is this step's.
    Object.assign(ctx.controls, { extendedTo: null, calendar: ctx.scheduleUnit.kind === 'working-day' });
    branch.current = state;
    await setStatus('in-progress');
    const verdict = await runStep(ctx, step, state, previousComment);
    lastDeadline.set(step.id, state.deadline);
    branch.history.push(state);
    branch.current = null;
    if (verdict === 'approved' || verdict === 'declared') {
      services = state.parties.find((p) => p.services)?.services ?? services;
      previousComment = null;
      index += 1;
      continue;
    }
    if (verdict !== 'changes-requested') return { outcome: verdict === 'expired' ? 'expired' : verdict, services: null };

    // The validator only accepts request-changes where the definition says where to go back to.
    const back = step.onRequestChanges!;
    const requester = state.parties.find((p) => p.status === 'changes-requested')!;
    previousComment = requester.comment;
    branch.round += 1;
    if (back.awaitResubmission) {
      resubmission.received = false;
      await setStatus('changes-requested');
      const notice = {
        applicationId: ctx.applicationId,
        requestId: requester.requestId,
        unitKey: ctx.unit?.key ?? null,
        subject: ctx.unit?.name ?? ctx.applicationTitle,
        ask: stepAskIn(state, ctx.input.coordinator.language),
        applicationTitle: ctx.applicationTitle,
        coordinator: ctx.input.coordinator,
        requestedBy: `${requester.name} <${requester.email}>`,
        comment: requester.comment ?? '',
      };
      if (ctx.transitions) await ctx.transitions.flush({ changesRequested: notice });
      else await activities.notifyChangesRequested(notice);
      if (reopening) {
        const resubmitBy = reopenedDeadline(ctx, steps.find((s) => s.id === back.restartAt)!, state.deadline, undefined)!;
        await awaitResubmission(ctx, branch, state, resubmission, resubmitBy, requester.comment ?? '');
        givenDeadline = resubmission.deadline && calendarDeadline(ctx, resubmission.deadline);
      } else if (!(await condition(() => resubmission.received, msUntil(state.deadline)))) return { outcome: 'expired', services: null };
    }
    index = steps.findIndex((s) => s.id === back.restartAt);
  }
  return { outcome: 'succeeded', services };
}

/**
 * The deadline of a step opening again: the one the coordinator gave when resubmitting, or the
 * later of its last deadline (extensions kept) and the step's reopening bound from now, so a
 * party's new link is never dead on arrival. A step running for the first time: undefined (its input's).
 */
function reopenedDeadline(ctx: BranchContext, step: StepDefinition, last: string | undefined, given: string | undefined): string | undefined {
  if (given) return given;
  if (!last) return undefined;
  return laterOf(last, new Date(workingDaysAfter(Date.now(), step.reopenWithinWorkingDays ?? DEFAULT_REOPEN_WORKING_DAYS, ctx.scheduleUnit)).toISOString());
}

/** A deadline a person gave, moved off a non-working day as extensions are (not in fixed-unit schedules). */
const calendarDeadline = (ctx: BranchContext, iso: string) =>
  ctx.scheduleUnit.kind === 'working-day' ? new Date(effectiveDeadline(Date.parse(iso))).toISOString() : new Date(iso).toISOString();
