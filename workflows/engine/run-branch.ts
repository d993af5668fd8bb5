import { condition } from '@temporalio/workflow';
import { activities } from '../activities-proxy';
import type { StepDefinition } from './definition';
import { msUntil, openingState, runStep, type BranchContext } from './run-step';
import type { BranchOutcome, BranchState, BranchStatus } from './state';

export interface Resubmission {
  /** Set by the `resubmit` update handler. */
  received: boolean;
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
  setStatus: (status: BranchStatus) => Promise<void>,
): Promise<{ outcome: BranchOutcome; services: string[] | null }> {
  let index = 0;
  let previousComment: string | null = null;
  let services: string[] | null = null;
  while (index < steps.length) {
    const step = steps[index]!;
    const state = openingState(ctx, step, branch.round);
    branch.current = state;
    await setStatus('in-progress');
    const verdict = await runStep(ctx, step, state, previousComment);
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
      await activities.notifyChangesRequested({
        applicationId: ctx.applicationId,
        requestId: requester.requestId,
        unitKey: ctx.unit?.key ?? null,
        subject: ctx.unit?.name ?? ctx.applicationTitle,
        ask: state.ask,
        applicationTitle: ctx.applicationTitle,
        coordinator: ctx.input.coordinator,
        requestedBy: `${requester.name} <${requester.email}>`,
        comment: requester.comment ?? '',
      });
      if (!(await condition(() => resubmission.received, msUntil(state.deadline)))) return { outcome: 'expired', services: null };
    }
    index = steps.findIndex((s) => s.id === back.restartAt);
  }
  return { outcome: 'succeeded', services };
}
