import { describe, expect, it } from 'vitest';
import { inputFromForm, problemsOnForm, rowCounts, warsawInstant } from '../../client/http/pages/start-form';

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
