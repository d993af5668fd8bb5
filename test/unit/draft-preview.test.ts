import { describe, expect, it } from 'vitest';
import { draftPlan } from '../../client/services/drafts';
import { applicationInput } from '../../domain/application-input';
import { toWarsaw } from '../../workflows/calendar/warsaw-time';
import { makeCooperationInput } from '../support/application-input';

describe("a draft's preview on the working-day calendar", () => {
  it('moves a deadline on a holiday to the next working day and reminds on working days before it', () => {
    // 25 December 2027 is Christmas Day, a Saturday; the 26th is a holiday and a Sunday.
    const input = applicationInput.parse({ ...makeCooperationInput({ units: 1 }), deadlines: { agreements: '2027-12-25T15:00:00+01:00' } });
    const [stage] = draftPlan(input, Date.parse('2027-11-01T09:00:00Z'), { kind: 'working-day' });
    const [step] = stage!.steps;
    expect(step!.deadline).toBe('2027-12-25T14:00:00.000Z');
    const moved = toWarsaw(Date.parse(step!.effectiveDeadline));
    expect([moved.year, moved.month, moved.day]).toEqual([2027, 12, 27]);
    expect(step!.parties.map((p) => p.role)).toEqual(['unit-approver', 'ksse', 'landster']);
    expect(step!.reminders.length).toBe(4); // 5, 2, 1 working days before, and the deadline's morning
    for (const at of step!.reminders) {
      const day = toWarsaw(Date.parse(at));
      expect([0, 6]).not.toContain(day.weekday);
      expect(Date.parse(at)).toBeLessThan(Date.parse(step!.effectiveDeadline));
    }
  });
});
