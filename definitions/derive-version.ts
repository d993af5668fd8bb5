import type { StepDefinition, VariantDefinition } from '../workflows/engine/definition';

/** A new version of a definition: the same stages, with some steps' fields changed. */
export function deriveVersion(
  base: VariantDefinition,
  version: number,
  stepChanges: Record<string, Partial<Omit<StepDefinition, 'id'>>>,
): VariantDefinition {
  const known = base.stages.flatMap((s) => s.steps.map((st) => st.id));
  const unknown = Object.keys(stepChanges).filter((id) => !known.includes(id));
  if (unknown.length) throw new Error(`deriveVersion: ${base.variant} has no step ${unknown.join(', ')}`);
  return {
    ...base,
    version,
    stages: base.stages.map((stage) => ({ ...stage, steps: stage.steps.map((step) => ({ ...step, ...stepChanges[step.id] })) })),
  };
}
