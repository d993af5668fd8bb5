import { isPolishHoliday } from './polish-holidays';
import { addDays, fromWarsaw, toWarsaw, type WallClock } from './warsaw-time';

type CalendarDate = Pick<WallClock, 'year' | 'month' | 'day'>;

/** Weekends and Polish public holidays are not working days. */
export function isWorkingDay(date: CalendarDate): boolean {
  const weekday = addDays(date, 0).weekday;
  return weekday !== 0 && weekday !== 6 && !isPolishHoliday(date.year, date.month, date.day);
}

/** The first working day on or after a date (`after`: strictly after it). */
export function nextWorkingDay(date: CalendarDate, after = false): CalendarDate {
  let d = after ? addDays(date, 1) : addDays(date, 0);
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

/** The working day `n` working days before a date. */
export function workingDaysBefore(date: CalendarDate, n: number): CalendarDate {
  let d: CalendarDate = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, -1);
    if (isWorkingDay(d)) left -= 1;
  }
  return d;
}

/**
 * A deadline that falls on a non-working day moves to the next working day at the same Warsaw
 * wall-clock time, as in Polish administrative practice; a daylight-saving change in between does
 * not move the wall-clock time.
 */
export function effectiveDeadline(deadlineUtcMs: number): number {
  const local = toWarsaw(deadlineUtcMs);
  if (isWorkingDay(local)) return deadlineUtcMs;
  return fromWarsaw({ ...nextWorkingDay(local, true), hour: local.hour, minute: local.minute });
}

/** The instant at a Warsaw wall-clock time on a date. */
export const atWarsaw = (date: CalendarDate, hour: number, minute = 0): number => fromWarsaw({ ...date, hour, minute });
