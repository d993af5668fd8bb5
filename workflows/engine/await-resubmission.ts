import { condition, patched } from '@temporalio/workflow';
import { activities } from '../activities-proxy';
import { nextEscalation, reminderSkipReason, reminderTimes, type ReminderSkip } from '../calendar/schedule';
import type { Resubmission } from './run-branch';
import { msUntil, type BranchContext } from './run-step';
import { stepAskIn, type BranchState, type StepState } from './state';

/** The coordinator is reminded a working day before a resubmission is due. */
const resubmissionReminders = { workingDaysBefore: [1], onDeadlineMorning: false };
// Asked only when a reminder is skipped, so only those histories get its marker (earlier ones skipped it unrecorded).
const RECORD_SKIPPED_PATCH = 'record-skipped-resubmission-reminder';

/**
 * Waits for the coordinator to resubmit work sent back with changes requested, as a step of its
 * own: a deadline (`resubmitBy`, extendable like any step's), a reminder before it and, once it
 * passes, an escalation every working day. It never expires by itself: the coordinator resubmits,
 * or withdraws the application or removes the unit (which cancels this wait).
 */
export async function awaitResubmission(ctx: BranchContext, branch: BranchState, sentBack: StepState, resubmission: Resubmission, resubmitBy: string, comment: string): Promise<void> {
  const { controls, scheduleUnit: unit } = ctx;
  const scope = ctx.unit?.key ?? 'application';
  let deadline = resubmitBy;
  const acted = () => resubmission.received || controls.extendedTo !== null;
  const remind = (escalation: number, skipped?: ReminderSkip) =>
    activities.remindResubmission({
      ...(skipped ? { skipped } : {}),
      applicationId: ctx.applicationId,
      key: `${ctx.applicationId}:${scope}:${sentBack.stepId}:${sentBack.round}:${deadline}:${escalation}`,
      unitKey: ctx.unit?.key ?? null,
      subject: ctx.unit?.name ?? ctx.applicationTitle,
      ask: stepAskIn(sentBack, ctx.input.coordinator.language),
      comment,
      deadline,
      coordinator: ctx.input.coordinator,
      escalation,
    });
  const setDeadline = (iso: string | null) => {
    controls.resubmitBy = iso;
    branch.resubmitBy = iso;
  };
  controls.extendedTo = null;
  setDeadline(deadline);
  try {
    for (;;) {
      await ctx.report();
      for (const at of reminderTimes(Date.parse(deadline), resubmissionReminders, Date.now(), unit)) {
        if (await condition(acted, Math.max(1, at - Date.now()))) break;
        const skipped = reminderSkipReason(at, Date.now(), Date.parse(deadline), unit);
        if (!skipped) await remind(0);
        else if (patched(RECORD_SKIPPED_PATCH)) await remind(0, skipped);
      }
      if (!(await condition(acted, msUntil(deadline)))) {
        for (let n = 1; !acted(); n += 1) {
          await remind(n);
          await condition(acted, Math.max(1, nextEscalation(Date.now(), unit) - Date.now()));
        }
      }
      if (resubmission.received) return;
      const previous = deadline;
      deadline = controls.extendedTo!;
      controls.extendedTo = null;
      setDeadline(deadline);
      await activities.recordDeadlineExtended({ applicationId: ctx.applicationId, requestIds: [], resubmission: { unitKey: ctx.unit?.key ?? null, stepId: sentBack.stepId, round: sentBack.round }, previous, deadline, by: controls.by });
    }
  } finally {
    setDeadline(null);
  }
}
