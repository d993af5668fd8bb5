import { describe, expect, it } from 'vitest';
import { defaultReminderPolicy, nextEscalation, reminderSkipReason, reminderTimes } from '../../workflows/calendar/schedule';

const workingDays = { kind: 'working-day' } as const;
const isoList = (times: number[]) => times.map((t) => new Date(t).toISOString());

describe('reminder schedule', () => {
  it('reminds 5, 2 and 1 working days before and on the morning of the deadline, at 09:00 Warsaw time', () => {
    const deadline = Date.parse('2026-06-19T16:00:00+02:00'); // Friday
    expect(isoList(reminderTimes(deadline, defaultReminderPolicy, Date.parse('2026-06-01T00:00:00Z'), workingDays))).toEqual([
      '2026-06-12T07:00:00.000Z', // Fri 12 June 09:00 CEST (5 working days before)
      '2026-06-17T07:00:00.000Z', // Wed 17 June
      '2026-06-18T07:00:00.000Z', // Thu 18 June
      '2026-06-19T07:00:00.000Z', // the deadline's morning
    ]);
  });

  it('counts only working days after a long weekend', () => {
    // Wednesday 6 May 2026: before it lie 1 May (holiday), the weekend with 3 May, and Corpus Christi is far off.
    const deadline = Date.parse('2026-05-06T12:00:00+02:00');
    expect(isoList(reminderTimes(deadline, defaultReminderPolicy, Date.parse('2026-04-01T00:00:00Z'), workingDays))).toEqual([
      '2026-04-28T07:00:00.000Z', // Tue 28 April (5 working days: 5, 4, 30, 29, 28)
      '2026-05-04T07:00:00.000Z', // Mon 4 May (2 working days: 5, 4)
      '2026-05-05T07:00:00.000Z',
      '2026-05-06T07:00:00.000Z',
    ]);
  });

  it('keeps 09:00 local across the daylight-saving change', () => {
    const deadline = Date.parse('2026-03-31T16:00:00+02:00'); // Tuesday after the change
    expect(isoList(reminderTimes(deadline, defaultReminderPolicy, Date.parse('2026-03-01T00:00:00Z'), workingDays))).toEqual([
      '2026-03-24T08:00:00.000Z', // Tue 24 March 09:00 CET
      '2026-03-27T08:00:00.000Z', // Fri 27 March 09:00 CET
      '2026-03-30T07:00:00.000Z', // Mon 30 March 09:00 CEST
      '2026-03-31T07:00:00.000Z',
    ]);
  });

  it('drops reminders already past and the morning one when the deadline is earlier', () => {
    const deadline = Date.parse('2026-06-19T08:30:00+02:00');
    const now = Date.parse('2026-06-17T12:00:00+02:00');
    expect(isoList(reminderTimes(deadline, defaultReminderPolicy, now, workingDays))).toEqual(['2026-06-18T07:00:00.000Z']);
  });

  it('uses a fixed unit the same way', () => {
    const unit = { kind: 'fixed', ms: 1000 } as const;
    expect(reminderTimes(10_000, defaultReminderPolicy, 0, unit)).toEqual([5_000, 8_000, 9_000, 9_750]);
    expect(reminderTimes(10_000, { workingDaysBefore: [2], onDeadlineMorning: false }, 8_500, unit)).toEqual([]);
  });
});

describe('stale reminders', () => {
  const at = Date.parse('2030-03-11T08:00:00Z');
  const deadline = Date.parse('2030-03-15T15:00:00Z');
  it('sends a reminder up to an hour late, skips it beyond, and never sends one after the deadline', () => {
    expect(reminderSkipReason(at, at + 59 * 60_000, deadline, workingDays)).toBeUndefined();
    expect(reminderSkipReason(at, at + 61 * 60_000, deadline, workingDays)).toBe('late');
    expect(reminderSkipReason(at, deadline, deadline, workingDays)).toBe('after-deadline');
    expect(reminderSkipReason(1000, 2500, 10_000, { kind: 'fixed', ms: 1000 })).toBeUndefined();
    expect(reminderSkipReason(1000, 3500, 10_000, { kind: 'fixed', ms: 1000 })).toBe('late');
  });
});

describe('escalation schedule', () => {
  it('repeats on the next working day morning, skipping weekends and holidays', () => {
    expect(new Date(nextEscalation(Date.parse('2026-04-30T16:00:00+02:00'), workingDays)).toISOString()).toBe('2026-05-04T07:00:00.000Z');
    expect(new Date(nextEscalation(Date.parse('2026-05-04T09:00:00+02:00'), workingDays)).toISOString()).toBe('2026-05-05T07:00:00.000Z');
    expect(nextEscalation(5_000, { kind: 'fixed', ms: 1000 })).toBe(6_000);
  });
});
