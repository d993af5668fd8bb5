import { describe, expect, it } from 'vitest';
import { en } from '../../i18n/en';
import { pl } from '../../i18n/pl';

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
