import { describe, expect, it } from 'vitest';
import { afterDecision, applicationOutcome, commentRequired, type Decision, type NextMove, type UnitStep } from '../../workflows/unit-transitions';

describe('a unit branch after a decision', () => {
  it.each<[UnitStep, Decision, NextMove]>([
    ['unit-confirmation', 'approve', { kind: 'ask', step: 'coordinator-review', newRound: false }],
    ['unit-confirmation', 'reject', { kind: 'done', outcome: 'declined' }],
    ['unit-confirmation', 'request-changes', { kind: 'await-resubmission' }],
    ['coordinator-review', 'approve', { kind: 'done', outcome: 'approved' }],
    ['coordinator-review', 'reject', { kind: 'done', outcome: 'rejected' }],
    ['coordinator-review', 'request-changes', { kind: 'ask', step: 'unit-confirmation', newRound: true }],
  ])('at %s, %s leads to %j', (step, decision, next) => {
    expect(afterDecision(step, decision)).toEqual(next);
  });

  it('requires a comment to reject or request changes, not to approve', () => {
    expect([commentRequired('approve'), commentRequired('reject'), commentRequired('request-changes')]).toEqual([false, true, true]);
  });
});

describe('an application outcome', () => {
  it('is approved while at least one unit was approved, failed when none remains', () => {
    expect(applicationOutcome(['declined', 'approved', 'expired'])).toBe('approved');
    expect(applicationOutcome(['declined', 'rejected', 'expired'])).toBe('failed');
  });
});
