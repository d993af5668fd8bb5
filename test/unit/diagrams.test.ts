import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestDefinition } from '../../definitions';
import { readmeBlock, readmeBlockPattern, toMermaid } from '../../definitions/diagram';
import { moduleInExistingProjectsV1 } from '../../definitions/module-in-existing-projects';
import { variants } from '../../domain/application-input';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

describe('lifecycle diagrams in the README', () => {
  it.each(variants)('show the current definition of %s (npm run diagrams rewrites them)', (variant) => {
    expect(readme.match(readmeBlockPattern(variant))?.[0]).toBe(readmeBlock(latestDefinition(variant)));
  });

  it('change when a definition changes', () => {
    const changed = structuredClone(moduleInExistingProjectsV1);
    changed.stages[0]!.steps[1]!.quorum = { rule: 'any' };
    expect(toMermaid(changed)).not.toBe(toMermaid(moduleInExistingProjectsV1));
    expect(toMermaid(changed)).toContain('sign-off by coordinator (any)');
  });
});
