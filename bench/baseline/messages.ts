import { defineUpdate } from '@temporalio/workflow';

/** The parties of a unit, in order: variant 1's unit confirmation, then the coordinator's review. */
export const bareParties = ['unit-approver', 'coordinator'] as const;

export interface BareDecision {
  party: (typeof bareParties)[number];
  decision: 'approve' | 'reject';
}

export const bareDecideUpdate = defineUpdate<{ recorded: number }, [BareDecision]>('decide');

export const bareUnitWorkflowId = (applicationId: string, unitKey: string) => `${applicationId}:modules:${unitKey}`;
