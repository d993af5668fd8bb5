import type { BranchState, UnitState } from './engine/state';

/** One line per person the application waits for, e.g. "unit-a: agreement ksse x@y". */
export function waitingFor(steps: BranchState, units: UnitState[]): string[] {
  const of = (prefix: string, branch: BranchState): string[] => {
    if (branch.status === 'changes-requested') return [`${prefix}: coordinator resubmission`];
    const step = branch.current;
    if (!step) return [];
    return step.parties.filter((p) => p.status === 'pending').map((p) => `${prefix}: ${step.stepId} ${p.role} ${p.email}${step.status === 'overdue' ? ' (overdue)' : ''}`);
  };
  return [...of('application', steps), ...units.flatMap((u) => of(u.unitKey, u))];
}
