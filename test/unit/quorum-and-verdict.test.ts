import { describe, expect, it } from 'vitest';
import type { Quorum } from '../../workflows/engine/definition';
import { approvalsNeeded, evaluateQuorum } from '../../workflows/engine/quorum';
import type { PartyState, PartyStatus } from '../../workflows/engine/state';
import { allowedDecisions, stepVerdict } from '../../workflows/engine/verdict';

describe('quorum rules', () => {
  it.each<[Quorum, number, number]>([
    [{ rule: 'all' }, 3, 3],
    [{ rule: 'any' }, 3, 1],
    [{ rule: 'majority' }, 3, 2],
    [{ rule: 'majority' }, 4, 3],
    [{ rule: 'at-least', count: 2 }, 5, 2],
    [{ rule: 'at-least', count: 9 }, 3, 3],
  ])('%j of %i parties needs %i approvals', (quorum, parties, needed) => {
    expect(approvalsNeeded(quorum, parties)).toBe(needed);
  });

  it('is met with enough approvals, impossible once too many rejected, pending otherwise', () => {
    const majority: Quorum = { rule: 'majority' };
    expect(evaluateQuorum(majority, 5, 3, 0)).toBe('met');
    expect(evaluateQuorum(majority, 5, 2, 2)).toBe('pending');
    expect(evaluateQuorum(majority, 5, 2, 3)).toBe('impossible');
    expect(evaluateQuorum({ rule: 'all' }, 3, 2, 1)).toBe('impossible');
    expect(evaluateQuorum({ rule: 'any' }, 3, 0, 2)).toBe('pending');
  });
});

const parties = (...statuses: PartyStatus[]): PartyState[] =>
  statuses.map((status, i) => ({ requestId: `r${i}`, role: 'board-member', name: `m${i}`, email: `m${i}@x.pl`, language: 'pl', ask: 'x', status, comment: null, decidedAt: null, late: false, services: null }));

describe('a step verdict', () => {
  const signOff = { kind: 'sign-off' as const, quorum: { rule: 'majority' } as Quorum };
  it('follows the quorum for sign-offs', () => {
    expect(stepVerdict(signOff, parties('approved', 'approved', 'pending'))).toBe('approved');
    expect(stepVerdict(signOff, parties('rejected', 'rejected', 'pending'))).toBe('rejected');
    expect(stepVerdict(signOff, parties('approved', 'rejected', 'pending'))).toBe('pending');
  });

  it('goes back at once when any party requests changes', () => {
    expect(stepVerdict(signOff, parties('approved', 'approved', 'changes-requested'))).toBe('changes-requested');
  });

  it('is the answer of the declaring party', () => {
    const declaration = { kind: 'declaration' as const, quorum: { rule: 'all' } as Quorum };
    expect(stepVerdict(declaration, parties('declared'))).toBe('declared');
    expect(stepVerdict(declaration, parties('declined'))).toBe('declined');
    expect(stepVerdict(declaration, parties('pending'))).toBe('pending');
  });

  it('offers request-changes only where the definition says where the work goes back to', () => {
    expect(allowedDecisions({ kind: 'sign-off', onRequestChanges: { restartAt: 'x', awaitResubmission: true } })).toEqual(['approve', 'reject', 'request-changes']);
    expect(allowedDecisions({ kind: 'sign-off', onRequestChanges: null })).toEqual(['approve', 'reject']);
    expect(allowedDecisions({ kind: 'declaration', onRequestChanges: null })).toEqual(['declare', 'decline']);
  });
});
