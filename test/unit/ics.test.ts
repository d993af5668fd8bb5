import { describe, expect, it } from 'vitest';
import { deadlineIcs } from '../../mail/ics';

describe('the deadline calendar attachment', () => {
  const ics = deadlineIcs({
    uid: 'app-1:unit-1:unit-confirmation:1:unit-approver@k2flow',
    summary: 'Termin: podpis modułu K2; Zespół Szkół, Wodzisław Śląski',
    description: 'Włączenie modułu K2 do projektu RPSL.11.02.01-24-0A12/16 w ramach poddziałania 11.2.1 RPO WSL, zgodnie z ustaleniami',
    deadline: new Date('2030-03-15T15:00:00Z'),
    stamp: new Date('2026-11-23T10:00:00.123Z'),
  });

  it('is one event at the deadline, in UTC, with escaped text', () => {
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics).toContain('\r\nDTSTART:20300315T150000Z\r\n');
    expect(ics).toContain('\r\nDTSTAMP:20261123T100000Z\r\n');
    expect(ics).toContain('SUMMARY:Termin: podpis modułu K2\\; Zespół Szkół\\, Wodzisław Śląski');
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('carries a SEQUENCE that grows with each later email, so a moved deadline replaces the calendar entry', () => {
    const sequence = (text: string) => Number(/\r\nSEQUENCE:(\d+)\r\n/.exec(text)![1]);
    const moved = deadlineIcs({ uid: 'same@k2flow', summary: 's', description: 'd', deadline: new Date('2030-03-20T15:00:00Z'), stamp: new Date('2026-11-24T09:00:00Z') });
    expect(sequence(ics)).toBeGreaterThan(0);
    expect(sequence(moved)).toBeGreaterThan(sequence(ics));
    expect(sequence(deadlineIcs({ uid: 'u', summary: 's', description: 'd', deadline: new Date(), stamp: new Date('2090-01-01T00:00:00Z') }))).toBeLessThan(2 ** 31);
  });

  it('folds lines at 75 octets without splitting a character', () => {
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('DESCRIPTION:Włączenie modułu K2 do projektu RPSL.11.02.01-24-0A12/16 w ramach poddziałania 11.2.1 RPO WSL\\, zgodnie z ustaleniami');
  });
});
