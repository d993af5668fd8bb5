// The bare baseline: the same starts, children and updates as variant 1 of k2flow (per unit, the
// unit's approver decides, then the coordinator reviews), with nothing else: no activities, no
// database, no email, no state queries, no progress signals, no deadlines.
import { allHandlersFinished, ApplicationFailure, condition, executeChild, setHandler, workflowInfo } from '@temporalio/workflow';
import { bareDecideUpdate, bareParties, bareUnitWorkflowId, type BareDecision } from './messages';

export interface BareApplicationInput {
  unitKeys: string[];
}

/** One application: a child per unit, in parallel; done when every child is. */
export async function bareApplicationWorkflow({ unitKeys }: BareApplicationInput): Promise<{ approvedUnits: number }> {
  const applicationId = workflowInfo().workflowId;
  const outcomes = await Promise.all(unitKeys.map((unitKey) => executeChild(bareUnitWorkflow, { workflowId: bareUnitWorkflowId(applicationId, unitKey), args: [{ unitKey }] })));
  return { approvedUnits: outcomes.filter((o) => o === 'approved').length };
}

/** One unit: a `decide` update from each party in turn. */
export async function bareUnitWorkflow(_input: { unitKey: string }): Promise<'approved' | 'rejected'> {
  const decisions: BareDecision[] = [];
  setHandler(
    bareDecideUpdate,
    (decision) => {
      decisions.push(decision);
      return { recorded: decisions.length };
    },
    {
      validator: ({ party }) => {
        const expected = bareParties[decisions.length];
        if (party !== expected) throw ApplicationFailure.create({ type: 'NOT_YOUR_TURN', message: `Waiting for ${expected ?? 'nobody'}, not ${party}.` });
      },
    },
  );
  await condition(() => decisions.length === bareParties.length || decisions.some((d) => d.decision === 'reject'));
  await condition(allHandlersFinished);
  return decisions.every((d) => d.decision === 'approve') ? 'approved' : 'rejected';
}
