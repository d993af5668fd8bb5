import { describe, expect, it } from 'vitest';
import { en } from '../../i18n/en';
import { pl } from '../../i18n/pl';
import { unitStatusName } from '../../i18n/messages';
import { stepAskIn } from '../../workflows/engine/state';

/** Every key path of a catalogue, with the kind of value it holds. */
function keys(catalogue: object, prefix = ''): string[] {
  return Object.entries(catalogue).flatMap(([key, value]: [string, unknown]) =>
    value && typeof value === 'object' ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}:${typeof value}`],
  );
}

/** Every text of a catalogue (functions called with sample arguments). */
function texts(catalogue: object): string[] {
  return Object.values(catalogue).flatMap((value: unknown) =>
    typeof value === 'string' ? [value] : typeof value === 'function' ? [String((value as (...a: unknown[]) => unknown)('X', 'Y'))] : value && typeof value === 'object' ? texts(value) : [],
  );
}

describe('the message catalogues', () => {
  it('have the same keys in Polish and English, each of the same kind', () => {
    expect(keys(en).sort()).toEqual(keys(pl).sort());
  });

  it('have no empty text, and no text left untranslated in the other language', () => {
    for (const t of [...texts(pl), ...texts(en)]) expect(t.trim()).not.toBe('');
    const english = new Set(texts(en));
    // Proper names (Landster, KSSE's name aside) may read the same in both; sentences may not.
    const same = texts(pl).filter((t) => english.has(t) && t.includes(' '));
    expect(same).toEqual([]);
  });
});

describe('words for stored values', () => {
  it("reads a unit's open step (`awaiting:<step>`) as the step it waits on, in either language", () => {
    expect(unitStatusName('awaiting:unit-confirmation', 'pl')).toBe(`czeka na: ${pl.step['unit-confirmation']}`);
    expect(unitStatusName('awaiting:unit-confirmation', 'en')).toBe(`awaiting: ${en.step['unit-confirmation']}`);
    expect(unitStatusName('succeeded', 'pl')).toBe('zakończona pomyślnie');
  });

  it('counts in Polish plural forms', () => {
    expect([1, 3, 5, 22, 23, 112].map((n) => pl.evidence.events(n, 'a', 'b').split(';')[0])).toEqual(['1 zdarzenie', '3 zdarzenia', '5 zdarzeń', '22 zdarzenia', '23 zdarzenia', '112 zdarzeń']);
    expect(pl.evidence.chain(2, 'h')).toMatch(/^2 wpisy /);
  });
});

describe("a step's ask in the coordinator's language", () => {
  it('is Polish where the definition gives it and the reader reads Polish, English otherwise', () => {
    const step = { ask: 'Include the module', askPl: 'Włączenie modułu' };
    expect([stepAskIn(step, 'pl'), stepAskIn(step, undefined), stepAskIn(step, 'en'), stepAskIn({ ask: 'Only English' }, 'pl')]).toEqual(['Włączenie modułu', 'Włączenie modułu', 'Include the module', 'Only English']);
  });
});
