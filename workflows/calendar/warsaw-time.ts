// Europe/Warsaw wall-clock time in pure arithmetic: CET (UTC+1), and CEST (UTC+2) from the last
// Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC (the EU rule, in force in
// Poland since 1996). Workflow code must not depend on the host's time-zone database, which can
// differ between the worker that ran a workflow and the one replaying it.

export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The UTC instant of the last Sunday of a month at 01:00 UTC. */
function lastSundayAt1Utc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month, 0); // day 0 of the next month
  const weekday = new Date(lastDay).getUTCDay();
  return lastDay - weekday * DAY + HOUR;
}

export function warsawOffsetMs(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  const summer = utcMs >= lastSundayAt1Utc(year, 3) && utcMs < lastSundayAt1Utc(year, 10);
  return (summer ? 2 : 1) * HOUR;
}

export function toWarsaw(utcMs: number): WallClock & { weekday: number } {
  const local = new Date(utcMs + warsawOffsetMs(utcMs));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    weekday: local.getUTCDay(),
  };
}

/**
 * The instant a Warsaw wall clock shows this time. In the spring-forward gap (02:00-03:00) the
 * clock is read one hour later; in the autumn repeat, the first (summer-time) instant is taken.
 */
export function fromWarsaw({ year, month, day, hour, minute }: WallClock): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  for (const offset of [2 * HOUR, HOUR]) {
    const candidate = asUtc - offset;
    if (warsawOffsetMs(candidate) === offset) return candidate;
  }
  return asUtc - HOUR; // the non-existent spring hour: 02:30 reads as 03:30 CEST
}

/** The calendar date `days` after a date (negative for before), ignoring time of day. */
export function addDays(date: Pick<WallClock, 'year' | 'month' | 'day'>, days: number) {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}
