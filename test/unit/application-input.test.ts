import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseApplicationInput } from '../../domain/application-input';
import { DomainError } from '../../domain/domain-error';
import { makeInput } from '../support/application-input';

const problemsOf = (raw: unknown) => {
  try {
    parseApplicationInput(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).problems;
  }
  throw new Error('expected the input to be refused');
};

describe('application input validation', () => {
  it.each(['module-in-existing-projects', 'dedicated-zit-allocation', 'individual-cooperation'])('accepts the example %s.json shipped in examples/', async (name) => {
    const file = path.resolve(import.meta.dirname, `../../examples/${name}.json`);
    const parsed = parseApplicationInput(JSON.parse(await readFile(file, 'utf8')));
    expect(parsed.variant).toBe(name);
  });

  it('names every wrong field with a message a coordinator can act on', () => {
    const input = makeInput();
    expect(
      problemsOf({ ...input, title: 'x', coordinator: { name: ' ', email: 'nope' }, units: [{ ...input.units[0], key: 'Bad Key' }] }),
    ).toEqual([
      { path: 'title', message: 'must be at least 3 characters' },
      { path: 'coordinator.name', message: 'is required' },
      { path: 'coordinator.email', message: 'must be an email address' },
      { path: 'units.0.key', message: 'must be 1-63 lower-case letters, digits or dashes, starting with a letter or digit' },
    ]);
  });

  it('refuses duplicate unit keys, no units, and a review deadline before the confirmation deadline', () => {
    const input = makeInput({ units: 2 });
    expect(problemsOf({ ...input, units: [input.units[0], input.units[0]] })).toEqual([{ path: 'units.1.key', message: 'duplicates unit key "unit-1"' }]);
    expect(problemsOf({ ...input, units: [] })).toEqual([{ path: 'units', message: 'must name at least one unit' }]);
    const swapped = { unitConfirmation: input.deadlines.coordinatorReview, coordinatorReview: input.deadlines.unitConfirmation };
    expect(problemsOf({ ...input, deadlines: swapped })).toEqual([{ path: 'deadlines.coordinatorReview', message: 'must not be before deadlines.unitConfirmation' }]);
  });

  it('requires date-times with a zone, in the future', () => {
    const input = makeInput();
    expect(problemsOf({ ...input, deadlines: { ...input.deadlines, unitConfirmation: '2030-01-01 10:00' } })[0]!.path).toBe('deadlines.unitConfirmation');
    expect(problemsOf({ ...input, deadlines: { ...input.deadlines, unitConfirmation: '2001-01-01T10:00:00+01:00' } })).toContainEqual({
      path: 'deadlines.unitConfirmation',
      message: 'must be in the future',
    });
  });

  it('names the supported variants when the variant is unknown', () => {
    expect(problemsOf({ ...makeInput(), variant: 'grant-lottery' })).toEqual([
      { path: 'variant', message: 'must be one of: module-in-existing-projects, dedicated-zit-allocation, individual-cooperation' },
    ]);
  });
});
