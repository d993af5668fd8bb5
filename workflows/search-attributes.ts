import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { ApplicationInput } from '../domain/application-input';
import type { StageDefinition } from './engine/definition';

// An application's variant, status, office and the deadline of the stage it is in, as Temporal
// search attributes: the filters of k2flow's pages work in the Temporal Web UI and
// `temporal workflow list --query "K2Status = 'collecting-sign-offs' AND K2Deadline < '…'"` too.
// Set when the server starts the application; the workflow moves the status and the deadline.

export const K2_VARIANT = defineSearchAttributeKey('K2Variant', SearchAttributeType.KEYWORD);
export const K2_STATUS = defineSearchAttributeKey('K2Status', SearchAttributeType.KEYWORD);
export const K2_OFFICE = defineSearchAttributeKey('K2Office', SearchAttributeType.KEYWORD);
export const K2_DEADLINE = defineSearchAttributeKey('K2Deadline', SearchAttributeType.DATETIME);

/** Every key k2flow sets, for registering them in a namespace. */
export const k2SearchAttributeKeys = [K2_VARIANT, K2_STATUS, K2_OFFICE, K2_DEADLINE];

/** The deadline a stage's first step has in the input (extensions and working-day moves aside). */
export function stageDeadline(stage: StageDefinition | undefined, input: ApplicationInput): Date | null {
  const key = stage?.steps[0]?.deadline;
  const iso = key ? (input.deadlines as Record<string, string | undefined>)[key] : undefined;
  return iso ? new Date(iso) : null;
}

/** What the server sets when it starts an application. */
export function startingSearchAttributes(input: ApplicationInput, firstStage: StageDefinition | undefined, office: string | null): SearchAttributePair[] {
  const deadline = stageDeadline(firstStage, input);
  return [
    { key: K2_VARIANT, value: input.variant },
    { key: K2_STATUS, value: 'collecting-sign-offs' },
    ...(office ? [{ key: K2_OFFICE, value: office }] : []),
    ...(deadline ? [{ key: K2_DEADLINE, value: deadline }] : []),
  ];
}
