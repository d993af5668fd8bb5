import {
  dedicatedZitAllocationInput,
  individualCooperationInput,
  moduleInExistingProjectsInput,
  type Variant,
} from '../domain/application-input';
import type { VariantDefinition } from '../workflows/engine/definition';
import { dedicatedZitAllocationV1, dedicatedZitAllocationV2 } from './dedicated-zit-allocation';
import { validateDefinition } from './definition-schema';
import { individualCooperationV1, individualCooperationV2 } from './individual-cooperation';
import { moduleInExistingProjectsV1, moduleInExistingProjectsV2 } from './module-in-existing-projects';

/** The deadlines each variant's input names, in the order its steps run. */
export const deadlineKeys: Record<Variant, readonly string[]> = {
  'module-in-existing-projects': moduleInExistingProjectsInput.shape.deadlines.keyof().options,
  'dedicated-zit-allocation': dedicatedZitAllocationInput.shape.deadlines.keyof().options,
  'individual-cooperation': individualCooperationInput.shape.deadlines.keyof().options,
};

/**
 * Every released version of every definition. Add a new version beside the old one rather than
 * editing it: an application started on a version keeps it (it travels in the workflow input),
 * and new applications take the latest.
 */
const released: VariantDefinition[] = [
  moduleInExistingProjectsV1,
  moduleInExistingProjectsV2,
  dedicatedZitAllocationV1,
  dedicatedZitAllocationV2,
  individualCooperationV1,
  individualCooperationV2,
].map((d) =>
  validateDefinition(d, deadlineKeys[d.variant as Variant]),
);

export function latestDefinition(variant: Variant): VariantDefinition {
  const versions = released.filter((d) => d.variant === variant);
  return versions.reduce((a, b) => (b.version > a.version ? b : a));
}

export const allDefinitions = (): VariantDefinition[] => [...released];

/** The exact definition an application started with (its workflow input holds the same). */
export function definitionOf(variant: string, version: number): VariantDefinition | undefined {
  return released.find((d) => d.variant === variant && d.version === version);
}
