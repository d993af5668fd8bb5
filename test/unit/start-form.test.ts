import { describe, expect, it } from 'vitest';
import { inputFromForm, problemsOnForm, rowCounts, valuesFromInput, warsawInstant } from '../../client/http/pages/start-form';
import { fieldLabel } from '../../client/http/pages/start-page';
import { applicationInput } from '../../domain/application-input';
import { localizedProblems } from '../../i18n/field-problems';
import { messagesFor } from '../../i18n/messages';
import { makeAllocationInput } from '../support/application-input';

describe('the start form', () => {
  it('leaves empty rows out and maps problems back to the rows they came from', () => {
    const values = {
      title: 'Wniosek',
      'coordinator.name': 'K',
      'coordinator.email': 'k@example.pl',
      'deadlines.agreements': '2027-03-01T12:00',
      '_rows.units': '4',
      'units.1.key': 'zs-1',
      'units.1.name': 'ZS 1',
      'units.1.approver.name': 'D',
      'units.1.approver.email': 'd@example.pl',
      'units.1.approver.language': 'en',
      'units.3.key': 'zs-2',
      'units.3.approver.language': 'en', // a language alone does not make a row
      'units.2.approver.language': 'en',
    };
    const { input, rowsOf } = inputFromForm('individual-cooperation', values, ['agreements']);
    expect(input.units).toEqual([
      { key: 'zs-1', name: 'ZS 1', approver: { name: 'D', email: 'd@example.pl', language: 'en' } },
      { key: 'zs-2', name: '', approver: { name: '', email: '', language: 'en' } },
    ]);
    expect(rowsOf.units).toEqual([1, 3]);
    expect(input.deadlines).toEqual({ agreements: '2027-03-01T11:00:00.000Z' }); // noon in Warsaw, winter time
    expect(problemsOnForm([{ path: 'units.1.name', message: 'is required' }, { path: 'title', message: 'x' }], rowsOf)).toEqual([
      { path: 'units.3.name', message: 'is required' },
      { path: 'title', message: 'x' },
    ]);
  });

  it('adds a row only to the group whose button was pressed, within bounds', () => {
    expect(rowCounts('dedicated-zit-allocation', { '_rows.units': '3', '_rows.board.members': '2', _more: 'board.members' })).toEqual({ units: 3, 'board.members': 3, serviceCatalogue: 3 });
    expect(rowCounts('module-in-existing-projects', { '_rows.units': '100', _more: 'units' })).toEqual({ units: 100 });
    expect(warsawInstant('2027-07-01T12:00')).toBe('2027-07-01T10:00:00.000Z'); // summer time
    expect(warsawInstant('tomorrow')).toBe('tomorrow');
  });
});

describe("the start form's problems, in the reader's language", () => {
  const input = makeAllocationInput({ units: 2 });
  const problems = (raw: unknown, lang: 'pl' | 'en') => {
    const parsed = applicationInput.safeParse(raw);
    if (parsed.success) throw new Error('expected a refusal');
    return localizedProblems(parsed.error.issues, lang);
  };

  it('says why each field was refused, in Polish or English', () => {
    const swapped = { ...input.deadlines, boardApproval: input.deadlines.finalApproval, finalApproval: input.deadlines.boardApproval };
    const raw = {
      ...input,
      title: 'ab',
      coordinator: { name: 'K', email: 'nope' },
      units: [input.units[0], { ...input.units[0], name: '' }],
      serviceCatalogue: [{ code: 'Bad Code', name: 'x' }],
      deadlines: swapped,
    };
    expect(problems(raw, 'pl')).toEqual([
      { path: 'title', message: 'Wpisz co najmniej 3 znaki.' },
      { path: 'coordinator.email', message: 'To nie jest adres e-mail.' },
      { path: 'units.1.name', message: 'To pole jest wymagane.' },
      { path: 'serviceCatalogue.0.code', message: 'Krótki kod z małych liter, cyfr lub myślników.' },
      { path: 'units.1.key', message: `Klucz „${input.units[0]!.key}” ma już inna jednostka.` },
      { path: 'deadlines.declarations', message: 'Ten termin nie może przypadać przed terminem „Akceptacja Zarządu ZIT”.' },
      { path: 'deadlines.finalApproval', message: 'Ten termin nie może przypadać przed terminem „Podpis promotora”.' },
    ]);
    expect(problems({ ...input, serviceCatalogue: [...input.serviceCatalogue, input.serviceCatalogue[0]] }, 'en')).toEqual([
      { path: 'serviceCatalogue.3.code', message: `Another service already has the code "${input.serviceCatalogue[0]!.code}".` },
    ]);
    expect(problems({ ...input, units: [] }, 'en')).toEqual([{ path: 'units', message: 'Fill in at least 1 row.' }]);
  });

  it('names a field as the form labels it', () => {
    const t = messagesFor('pl');
    expect(fieldLabel('units.3.approver.email', 'dedicated-zit-allocation', t)).toBe('Jednostki, wiersz 4: Dyrektor: e-mail');
    expect(fieldLabel('board.members.0.email', 'dedicated-zit-allocation', t)).toBe('Członkowie Zarządu ZIT, wiersz 1: E-mail');
    expect(fieldLabel('units', 'dedicated-zit-allocation', t)).toBe('Jednostki');
    expect(fieldLabel('deadlines.boardApproval', 'dedicated-zit-allocation', t)).toBe('Terminy: Akceptacja Zarządu ZIT');
    expect(fieldLabel('partners.ksse.email', 'individual-cooperation', t)).toBe('Partnerzy: KSSE: E-mail');
    expect(fieldLabel('coordinator.name', 'individual-cooperation', messagesFor('en'))).toBe('Coordinator: Name');
  });
});

describe("a draft's input in the form", () => {
  it('fills the form so that reading it back gives the same input', () => {
    const base = makeAllocationInput({ units: 2, boardMembers: 4 });
    // Deadlines on the minute, as a datetime-local field keeps them.
    const deadlines = Object.fromEntries(Object.entries(base.deadlines).map(([k, v]) => [k, new Date(Math.floor(Date.parse(v) / 60_000) * 60_000).toISOString()]));
    const input = { ...base, deadlines };
    const values = valuesFromInput('dedicated-zit-allocation', input, Object.keys(deadlines));
    expect(values['_rows.board.members']).toBe('4');
    expect(values['_rows.units']).toBe('3'); // never fewer rows than the form starts with
    const { input: back } = inputFromForm('dedicated-zit-allocation', values, Object.keys(deadlines));
    expect(back).toEqual(input);
  });
});
