// Pure rules of a unit's branch in variant 1 ("module in existing projects"). Kept free of
// Temporal APIs so they are unit-tested directly and shared by workflow and client code.

export const decisions = ['approve', 'reject', 'request-changes'] as const;
export type Decision = (typeof decisions)[number];

export type UnitStep = 'unit-confirmation' | 'coordinator-review';
export type UnitOutcome = 'approved' | 'declined' | 'rejected' | 'expired';
export type UnitStatus = 'awaiting-confirmation' | 'changes-requested' | 'awaiting-review' | UnitOutcome;

export type NextMove =
  | { kind: 'ask'; step: UnitStep; newRound: boolean }
  | { kind: 'await-resubmission' }
  | { kind: 'done'; outcome: UnitOutcome };

/** What follows a recorded decision at a step. */
export function afterDecision(step: UnitStep, decision: Decision): NextMove {
  if (step === 'unit-confirmation') {
    if (decision === 'approve') return { kind: 'ask', step: 'coordinator-review', newRound: false };
    if (decision === 'reject') return { kind: 'done', outcome: 'declined' };
    return { kind: 'await-resubmission' };
  }
  if (decision === 'approve') return { kind: 'done', outcome: 'approved' };
  if (decision === 'reject') return { kind: 'done', outcome: 'rejected' };
  // The coordinator sends the module back to the unit, which confirms the revised module anew.
  return { kind: 'ask', step: 'unit-confirmation', newRound: true };
}

export const statusWhileAsking = (step: UnitStep): UnitStatus =>
  step === 'unit-confirmation' ? 'awaiting-confirmation' : 'awaiting-review';

/** Reject and request-changes must say why; an approval may carry a note. */
export const commentRequired = (decision: Decision): boolean => decision !== 'approve';

export type ApplicationStatus = 'collecting-sign-offs' | 'approved' | 'failed';

/** The application succeeds when at least one unit's module was approved. */
export const applicationOutcome = (outcomes: UnitOutcome[]): ApplicationStatus =>
  outcomes.includes('approved') ? 'approved' : 'failed';

export const stepDescription = (step: UnitStep, projectReference: string): string =>
  step === 'unit-confirmation'
    ? `including the K2 module in project ${projectReference} (sub-measure 11.2.1 RPO WSL)`
    : `the K2 module added to project ${projectReference}, as confirmed by the unit (coordinator review)`;
