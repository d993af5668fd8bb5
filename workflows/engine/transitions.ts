import { CancellationScope, condition } from '@temporalio/workflow';
import type { Transition } from '../../activities/apply-transition';
import { activities } from '../activities-proxy';
import type { DecisionInbox } from './decision-inbox';

type Effects = Omit<Transition, 'applicationId' | 'unitKey'>;

const none = (): Effects => ({ decisions: [], close: null, statuses: [], changesRequested: null, open: [] });

function merge(into: Effects, part: Partial<Effects>): void {
  into.decisions.push(...(part.decisions ?? []));
  // Two steps' leftovers meeting in one flush are both closed, never one instead of the other.
  into.close = into.close && part.close ? [into.close, part.close].flat() : (part.close ?? into.close);
  into.statuses.push(...(part.statuses ?? []));
  into.changesRequested = part.changesRequested ?? into.changesRequested;
  into.open.push(...(part.open ?? []));
}

const isEmpty = (t: Effects): boolean => !t.decisions.length && ![t.close ?? []].flat().some((c) => c.requestIds.length) && !t.statuses.length && !t.changesRequested && !t.open.length;

/**
 * A branch's step boundaries, each carried out by one activity (applyTransition) on engines with
 * 'one-activity-per-transition': what the closing step leaves (its deciding decisions, its other
 * requests) is staged, and goes out with what the branch does next (its new status, the next
 * step's requests, a notice of changes requested). On cancellation, `salvage` records the decisions
 * accepted and not yet recorded, before the branch's requests are closed (the application waits).
 */
export function createTransitions(where: { applicationId: string; unitKey: string | null }, inbox: DecisionInbox) {
  let staged = none();
  return {
    /** Keeps effects for the next flush. */
    stage(part: Partial<Effects>): void {
      merge(staged, part);
    },
    /**
     * Carries out everything staged, with `part`, as one activity. It is not cancelled midway: a
     * removal or withdrawal waits for it, so its requests are never opened after theirs were closed.
     */
    async flush(part: Partial<Effects> = {}): Promise<void> {
      const t = staged;
      staged = none();
      merge(t, part);
      if (isEmpty(t)) return;
      await CancellationScope.nonCancellable(() => activities.applyTransition({ ...where, ...t }));
    },
    /**
     * After a cancellation (a unit removed, the application withdrawn), before anything closes the
     * branch's requests in the database: closes the inbox (`reason` is what a later decision is
     * told), waits for decisions being recorded, and records the rest with the closing of the
     * requests they left.
     */
    async salvage(reason: string): Promise<void> {
      inbox.close(inbox.openRequestIds(), reason);
      await CancellationScope.nonCancellable(async () => {
        await condition(inbox.idle);
        const kept: Effects = { ...none(), decisions: [...staged.decisions, ...inbox.takeUnrecorded()], close: staged.close };
        staged = none();
        if (!isEmpty(kept)) await activities.applyTransition({ ...where, ...kept });
      });
    },
  };
}

export type Transitions = ReturnType<typeof createTransitions>;
