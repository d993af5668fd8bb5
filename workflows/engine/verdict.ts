import type { StepDefinition } from './definition';
import { evaluateQuorum } from './quorum';
import type { PartyState, StepVerdict } from './state';

/**
 * A step's verdict from its parties' decisions so far: a request for changes sends it back at
 * once; a declaration is its one party's answer; a sign-off follows its quorum.
 */
export function stepVerdict(step: Pick<StepDefinition, 'kind' | 'quorum'>, parties: PartyState[]): StepVerdict | 'pending' {
  if (parties.some((p) => p.status === 'changes-requested')) return 'changes-requested';
  if (step.kind === 'declaration') {
    if (parties.some((p) => p.status === 'declared')) return 'declared';
    if (parties.length > 0 && parties.every((p) => p.status === 'declined')) return 'declined';
    return 'pending';
  }
  const approvals = parties.filter((p) => p.status === 'approved').length;
  const rejections = parties.filter((p) => p.status === 'rejected').length;
  const quorum = evaluateQuorum(step.quorum, parties.length, approvals, rejections);
  return quorum === 'met' ? 'approved' : quorum === 'impossible' ? 'rejected' : 'pending';
}

/** The decisions a party may take at a step of this kind. */
export function allowedDecisions(step: Pick<StepDefinition, 'kind' | 'onRequestChanges'>): string[] {
  if (step.kind === 'declaration') return ['declare', 'decline'];
  return step.onRequestChanges ? ['approve', 'reject', 'request-changes'] : ['approve', 'reject'];
}

/** Reject and request-changes must say why; approving, declaring and declining need no comment. */
export const commentRequired = (decision: string): boolean => decision === 'reject' || decision === 'request-changes';
