import { atWarsaw, nextWorkingDay, workingDaysBefore } from './business-calendar';
import { toWarsaw } from './warsaw-time';

/** When, relative to a deadline, pending parties are reminded. */
export interface ReminderPolicy {
  workingDaysBefore: number[];
  onDeadlineMorning: boolean;
}

export const defaultReminderPolicy: ReminderPolicy = { workingDaysBefore: [5, 2, 1], onDeadlineMorning: true };

/** A step's reminders: the application's own schedule overrides its step definition's, which overrides the default. */
export const reminderPolicyFor = (input: { reminders?: ReminderPolicy | undefined } | null | undefined, step: { reminders?: ReminderPolicy | undefined } | undefined): ReminderPolicy =>
  input?.reminders ?? step?.reminders ?? defaultReminderPolicy;

/**
 * The unit schedules count in: working days of the Warsaw business calendar, or (for tests and
 * demonstrations) a fixed length standing in for one working day. Only the unit changes; which
 * reminders and escalations happen, and to whom, is the same logic.
 */
export type ScheduleUnit = { kind: 'working-day' } | { kind: 'fixed'; ms: number };

/** Reminders and escalations go out at this Warsaw time on working days. */
export const OFFICE_MORNING_HOUR = 9;

/** The instants to remind pending parties of a deadline: in the future, before the deadline, in order. */
export function reminderTimes(deadline: number, policy: ReminderPolicy, now: number, unit: ScheduleUnit): number[] {
  const times =
    unit.kind === 'fixed'
      ? [...policy.workingDaysBefore.map((n) => deadline - n * unit.ms), ...(policy.onDeadlineMorning ? [deadline - unit.ms / 4] : [])]
      : (() => {
          const day = toWarsaw(deadline);
          return [
            ...policy.workingDaysBefore.map((n) => atWarsaw(workingDaysBefore(day, n), OFFICE_MORNING_HOUR)),
            ...(policy.onDeadlineMorning ? [atWarsaw(day, OFFICE_MORNING_HOUR)] : []),
          ];
        })();
  return [...new Set(times)].filter((t) => t > now && t < deadline).sort((a, b) => a - b);
}

/** The next escalation after `after`: the following working day's morning (or one fixed unit later). */
export function nextEscalation(after: number, unit: ScheduleUnit): number {
  if (unit.kind === 'fixed') return after + unit.ms;
  return atWarsaw(nextWorkingDay(toWarsaw(after), true), OFFICE_MORNING_HOUR);
}

/**
 * How late a reminder may still go out: a worker that was down across its moment catches up
 * within this, and skips it beyond (an hour of office time; two units in fixed-unit schedules,
 * wide enough that a busy test machine never skips one it merely ran a little late).
 */
export const reminderGraceMs = (unit: ScheduleUnit) => (unit.kind === 'fixed' ? 2 * unit.ms : 60 * 60_000);

export type ReminderSkip = 'late' | 'after-deadline';

/** Why a reminder due at `at` is no longer worth sending at `now`, if it is not. */
export function reminderSkipReason(at: number, now: number, deadline: number, unit: ScheduleUnit): ReminderSkip | undefined {
  if (now >= deadline) return 'after-deadline';
  if (now - at > reminderGraceMs(unit)) return 'late';
  return undefined;
}

/** Where a reopened step's or a resubmission's deadline falls by default: this many working days ahead. */
export const DEFAULT_REOPEN_WORKING_DAYS = 5;

/** `n` working days after `from`, at the end of the office day (16:00 Warsaw); or n fixed units later. */
export function workingDaysAfter(from: number, n: number, unit: ScheduleUnit): number {
  if (unit.kind === 'fixed') return from + n * unit.ms;
  let day: Parameters<typeof nextWorkingDay>[0] = toWarsaw(from);
  for (let i = 0; i < n; i++) day = nextWorkingDay(day, true);
  return atWarsaw(day, 16);
}

/** The later of two ISO instants. */
export const laterOf = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);
