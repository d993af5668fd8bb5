import { z } from 'zod';
import type { VariantDefinition } from '../workflows/engine/definition';

const id = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'must be a lower-case id');
const role = z.enum(['unit-approver', 'coordinator', 'board-member', 'promoter', 'ksse', 'landster']);
const quorum = z.union([
  z.object({ rule: z.enum(['all', 'any', 'majority']) }).strict(),
  z.object({ rule: z.literal('at-least'), count: z.number().int().min(1) }).strict(),
]);
const step = z
  .object({
    id,
    ask: z.string().min(5),
    askPl: z.string().min(5).optional(),
    kind: z.enum(['sign-off', 'declaration']),
    roles: z.array(role).min(1),
    quorum,
    deadline: z.string().min(1),
    onRequestChanges: z.object({ restartAt: id, awaitResubmission: z.boolean() }).strict().nullable(),
    lateDecisions: z.enum(['refuse', 'accept']),
    proceedWithoutMissing: z.boolean().optional(),
    reminders: z.object({ workingDaysBefore: z.array(z.number().int().min(1).max(30)).max(10), onDeadlineMorning: z.boolean() }).strict().optional(),
    reopenWithinWorkingDays: z.number().int().min(1).max(60).optional(),
    partiesSeeNames: z.boolean().optional(),
  })
  .strict();
const stage = z
  .object({
    id,
    name: z.string().min(3),
    scope: z.enum(['application', 'per-unit']),
    steps: z.array(step).min(1),
    onFailure: z.enum(['rejected', 'failed', 'lapsed']),
  })
  .strict();

export const variantDefinitionSchema = z
  .object({
    variant: id,
    version: z.number().int().min(1),
    title: z.string().min(3),
    stages: z.array(stage).min(1),
    onSuccess: z.enum(['approved', 'submitted', 'concluded']),
  })
  .strict();

/**
 * Validates a definition's shape and what the shape cannot say: ids are unique, request-changes
 * restarts at a step of the same stage that is not after it, a declaration cannot be sent back,
 * and every deadline names one the variant's input provides.
 */
export function validateDefinition(definition: VariantDefinition, deadlineKeys: readonly string[]): VariantDefinition {
  const parsed = variantDefinitionSchema.parse(definition);
  const problems: string[] = [];
  const stepIds = parsed.stages.flatMap((s) => s.steps.map((st) => st.id));
  const stageIds = parsed.stages.map((s) => s.id);
  for (const ids of [stepIds, stageIds]) {
    ids.forEach((x, i) => ids.indexOf(x) !== i && problems.push(`id "${x}" is used twice`));
  }
  for (const s of parsed.stages) {
    s.steps.forEach((st, i) => {
      if (!deadlineKeys.includes(st.deadline)) problems.push(`step ${st.id}: deadline "${st.deadline}" is not one of ${deadlineKeys.join(', ')}`);
      if (st.kind === 'declaration' && st.onRequestChanges) problems.push(`step ${st.id}: a declaration cannot request changes`);
      if (st.onRequestChanges) {
        const target = s.steps.findIndex((x) => x.id === st.onRequestChanges!.restartAt);
        if (target < 0 || target > i) problems.push(`step ${st.id}: restartAt "${st.onRequestChanges.restartAt}" must be this or an earlier step of stage ${s.id}`);
      }
    });
  }
  if (problems.length) throw new Error(`Definition ${parsed.variant} v${parsed.version} is invalid: ${problems.join('; ')}`);
  return parsed;
}
