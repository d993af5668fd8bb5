import { describe, expect, it } from 'vitest';
import { optionalUnitKey, unitKey } from '../../client/http/route-schemas';

// The coordinator's page actions pass a form's unit field straight on: a blank one must arrive as
// "no unit" (the application's own step), never as '' and never as a refusal.
describe('unit key fields', () => {
  it('reads a blank optional unit field as absent and keeps a unit key as it is', () => {
    expect(optionalUnitKey.parse('')).toBeUndefined();
    expect(optionalUnitKey.parse(undefined)).toBeUndefined();
    expect(optionalUnitKey.parse('unit-1')).toBe('unit-1');
  });

  it('refuses what is not a unit key, optional or not', () => {
    for (const bad of ['unit 1', 'a/b', 'x'.repeat(81)]) {
      expect(optionalUnitKey.safeParse(bad).success).toBe(false);
      expect(unitKey.safeParse(bad).success).toBe(false);
    }
    expect(unitKey.safeParse('').success).toBe(false);
  });
});
