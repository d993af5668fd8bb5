import { describe, expect, it } from 'vitest';
import { allDefinitions, latestDefinition } from '../../definitions';
import { validateDefinition } from '../../definitions/definition-schema';
import { moduleInExistingProjectsV1 } from '../../definitions/module-in-existing-projects';
import { variants } from '../../domain/application-input';

const keys = ['unitConfirmation', 'coordinatorReview'];

describe('variant definitions', () => {
  it('exist for every variant the input accepts, each valid', () => {
    expect([...new Set(allDefinitions().map((d) => d.variant))].sort()).toEqual([...variants].sort());
    for (const variant of variants) expect(latestDefinition(variant).version).toBeGreaterThanOrEqual(1);
    // What the engine relies on in the versions new applications get: every step says whether a
    // missed deadline may be closed without the missing parties, and asks Polish readers in Polish.
    for (const variant of variants) {
      for (const step of latestDefinition(variant).stages.flatMap((s) => s.steps)) {
        expect(typeof step.proceedWithoutMissing, `${variant}/${step.id}`).toBe('boolean');
        expect(step.askPl, `${variant}/${step.id}`).toMatch(/\S{5}/);
      }
    }
  });

  it('refuse a request-changes target that is not an earlier step of the same stage', () => {
    const broken = structuredClone(moduleInExistingProjectsV1);
    broken.stages[0]!.steps[0]!.onRequestChanges = { restartAt: 'coordinator-review', awaitResubmission: true };
    expect(() => validateDefinition(broken, keys)).toThrow(/restartAt "coordinator-review" must be this or an earlier step/);
  });

  it('refuse a deadline the input does not provide, and duplicate ids', () => {
    const broken = structuredClone(moduleInExistingProjectsV1);
    broken.stages[0]!.steps[1]!.deadline = 'sometime';
    broken.stages[0]!.steps[1]!.id = 'unit-confirmation';
    expect(() => validateDefinition(broken, keys)).toThrow(/id "unit-confirmation" is used twice.*deadline "sometime" is not one of/);
  });

  it('refuse a malformed quorum', () => {
    const broken = structuredClone(moduleInExistingProjectsV1) as unknown as { stages: Array<{ steps: Array<{ quorum: unknown }> }> };
    broken.stages[0]!.steps[0]!.quorum = { rule: 'at-least', count: 0 };
    expect(() => validateDefinition(broken as never, keys)).toThrow();
  });
});
