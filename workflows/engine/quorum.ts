import type { Quorum } from './definition';

export type QuorumVerdict = 'met' | 'impossible' | 'pending';

/** How many approvals out of `parties` the quorum needs. */
export function approvalsNeeded(quorum: Quorum, parties: number): number {
  switch (quorum.rule) {
    case 'all':
      return parties;
    case 'any':
      return 1;
    case 'majority':
      return Math.floor(parties / 2) + 1;
    case 'at-least':
      return Math.min(quorum.count, parties);
  }
}

/** Met once enough approved; impossible once too many rejected for the rest to reach it. */
export function evaluateQuorum(quorum: Quorum, parties: number, approvals: number, rejections: number): QuorumVerdict {
  const needed = approvalsNeeded(quorum, parties);
  if (approvals >= needed) return 'met';
  if (parties - rejections < needed) return 'impossible';
  return 'pending';
}
