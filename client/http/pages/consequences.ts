import type { Messages } from '../../../i18n/messages';
import type { StageDefinition, StepDefinition } from '../../../workflows/engine/definition';

type Consequence = keyof Messages['consequence'];

/**
 * What a decision does, as one sentence of the catalogue, read from the step's definition: its
 * quorum (a vote, or everyone's consent), its stage's scope (a unit's branch or the whole
 * application), and where a request for changes sends the work.
 */
export function consequenceOf(decision: string, step: StepDefinition, stage: StageDefinition, { othersPending }: { othersPending: boolean }): Consequence | null {
  const vote = step.quorum.rule !== 'all';
  switch (decision) {
    case 'approve':
      if (vote) return step.quorum.rule === 'majority' ? 'approveMajority' : 'approveVote';
      return othersPending ? 'approveAll' : 'approveLast';
    case 'reject':
      if (vote) return step.quorum.rule === 'majority' ? 'rejectMajority' : 'rejectVote';
      return stage.scope === 'per-unit' ? 'rejectUnit' : 'rejectApplication';
    case 'request-changes':
      if (!step.onRequestChanges) return null;
      return step.onRequestChanges.awaitResubmission ? 'changesAwait' : 'changesBack';
    case 'declare':
      return 'declare';
    case 'decline':
      return 'decline';
    default:
      return null;
  }
}
