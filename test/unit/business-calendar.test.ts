import { describe, expect, it } from 'vitest';
import { effectiveDeadline, isWorkingDay, nextWorkingDay, workingDaysBefore } from '../../workflows/calendar/business-calendar';
import { easterSunday, polishHolidays } from '../../workflows/calendar/polish-holidays';
import { fromWarsaw, toWarsaw } from '../../workflows/calendar/warsaw-time';

const date = (iso: string) => {
  const [year, month, day] = iso.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
};
const iso = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

describe('Easter and the movable holidays', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2028, '2028-04-16'],
    [2030, '2030-04-21'],
    [2038, '2038-04-25'],
  ])('Easter Sunday %i is %s', (year, expected) => {
    const e = easterSunday(year);
    expect(iso({ year, ...e })).toBe(expected);
  });

  it('gives 2026 its Easter Monday, Pentecost Sunday and Corpus Christi', () => {
    const h = polishHolidays(2026);
    expect(['4-6', '5-24', '6-4'].every((k) => h.has(k))).toBe(true);
    expect(h.size).toBe(14);
  });

  it('makes 24 December a holiday from 2025 on, not before', () => {
    expect(isWorkingDay(date('2024-12-24'))).toBe(true);
    expect(isWorkingDay(date('2025-12-24'))).toBe(false);
    expect(isWorkingDay(date('2027-12-24'))).toBe(false);
  });
});

describe('working days', () => {
  it('skip weekends and holidays', () => {
    expect(isWorkingDay(date('2026-05-01'))).toBe(false); // Labour Day, a Friday
    expect(isWorkingDay(date('2026-05-02'))).toBe(false); // Saturday
    expect(iso(nextWorkingDay(date('2026-05-01')))).toBe('2026-05-04');
    expect(iso(nextWorkingDay(date('2026-12-24')))).toBe('2026-12-28'); // 24-27 December
    expect(iso(nextWorkingDay(date('2026-11-10'), true))).toBe('2026-11-12'); // over Independence Day
  });

  it('count back over a long weekend', () => {
    // Tuesday 5 May 2026: 1 May (Fri), 2-3 May (weekend, 3 May a holiday) are not counted.
    expect(iso(workingDaysBefore(date('2026-05-05'), 1))).toBe('2026-05-04');
    expect(iso(workingDaysBefore(date('2026-05-05'), 2))).toBe('2026-04-30');
    expect(iso(workingDaysBefore(date('2026-05-05'), 5))).toBe('2026-04-27');
  });
});

describe('deadlines', () => {
  it('move from a non-working day to the next working day at the same Warsaw time', () => {
    // Friday 1 May 2026 16:00 CEST (Labour Day) -> Monday 4 May 16:00 CEST.
    expect(new Date(effectiveDeadline(Date.parse('2026-05-01T16:00:00+02:00'))).toISOString()).toBe('2026-05-04T14:00:00.000Z');
    // A working day stays as it is.
    expect(effectiveDeadline(Date.parse('2026-05-05T16:00:00+02:00'))).toBe(Date.parse('2026-05-05T16:00:00+02:00'));
  });

  it('keep their wall-clock time across the daylight-saving change', () => {
    // Saturday 28 March 2026 16:00 CET (15:00 UTC); summer time starts on the Sunday, so the
    // Monday deadline is 16:00 CEST = 14:00 UTC.
    expect(new Date(effectiveDeadline(Date.parse('2026-03-28T16:00:00+01:00'))).toISOString()).toBe('2026-03-30T14:00:00.000Z');
    // Saturday 24 October 2026 16:00 CEST; summer time ends on the Sunday: Monday 16:00 CET = 15:00 UTC.
    expect(new Date(effectiveDeadline(Date.parse('2026-10-24T16:00:00+02:00'))).toISOString()).toBe('2026-10-26T15:00:00.000Z');
  });
});

describe('Warsaw wall-clock arithmetic', () => {
  const formatter = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Warsaw',
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const viaIntl = (utcMs: number) => {
    const parts = Object.fromEntries(formatter.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
    return `${Number(parts.year)}-${Number(parts.month)}-${Number(parts.day)} ${Number(parts.hour)}:${parts.minute}`;
  };

  it("agrees with the host's time-zone database for every hour from 2020 to 2035", () => {
    const mismatches: string[] = [];
    for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2036, 0, 1); t += 3_600_000) {
      const w = toWarsaw(t);
      const ours = `${w.year}-${w.month}-${w.day} ${w.hour}:${String(w.minute).padStart(2, '0')}`;
      if (ours !== viaIntl(t)) mismatches.push(`${new Date(t).toISOString()}: ${ours} vs ${viaIntl(t)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('turns wall-clock times back into instants, reading the spring gap an hour later', () => {
    expect(new Date(fromWarsaw({ year: 2026, month: 7, day: 1, hour: 9, minute: 0 })).toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(new Date(fromWarsaw({ year: 2026, month: 1, day: 1, hour: 9, minute: 0 })).toISOString()).toBe('2026-01-01T08:00:00.000Z');
    expect(new Date(fromWarsaw({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 })).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(new Date(fromWarsaw({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 })).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });
});
