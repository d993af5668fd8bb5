import { describe, expect, it } from 'vitest';
import { DECISION_STAMP_SKEW_MS, decisionMoment } from '../../workflows/messages';

describe('the moment a decision counts as made', () => {
  const now = Date.parse('2030-03-15T15:00:05Z');
  it("is the server's stamp when the workflow handles it a little later", () => {
    expect(decisionMoment('2030-03-15T14:59:58Z', now)).toBe(Date.parse('2030-03-15T14:59:58Z'));
  });
  it('is never later than the workflow handling it, nor earlier than the bounded skew', () => {
    expect(decisionMoment('2030-03-15T16:00:00Z', now)).toBe(now);
    expect(decisionMoment('2030-03-15T10:00:00Z', now)).toBe(now - DECISION_STAMP_SKEW_MS);
  });
  it('is the handling time for decisions sent without a stamp, or with a malformed one', () => {
    expect(decisionMoment(undefined, now)).toBe(now);
    expect(decisionMoment('yesterday', now)).toBe(now);
  });
});
