// Where people stand in an application's input (the coordinator, board members, the promoter,
// partners, units' approvers): any object with a name and an address. Pure, so the workflows
// (which replace people) and the pages (which show who stands where now) share it.

export interface PersonLike {
  name: string;
  email: string;
  language?: 'pl' | 'en';
}

const isPerson = (value: Record<string, unknown>): value is Record<string, unknown> & PersonLike => typeof value.email === 'string' && typeof value.name === 'string';

function visit(value: unknown, found: (person: Record<string, unknown> & PersonLike) => void): void {
  if (!value || typeof value !== 'object') return;
  if (Array.isArray(value)) return value.forEach((v) => visit(v, found));
  const record = value as Record<string, unknown>;
  if (isPerson(record)) return found(record);
  Object.values(record).forEach((v) => visit(v, found));
}

/** Everyone in the input, once per address (the first name given for it). */
export function peopleIn(input: unknown): PersonLike[] {
  const people = new Map<string, PersonLike>();
  visit(input, (p) => {
    if (!people.has(p.email.toLowerCase())) people.set(p.email.toLowerCase(), { name: p.name, email: p.email });
  });
  return [...people.values()];
}

/** Whether someone with this address stands anywhere in the input. */
export const takesPart = (input: unknown, email: string) => peopleIn(input).some((p) => p.email.toLowerCase() === email.toLowerCase());

/**
 * Puts `person` in the place of whoever has the address `email`, wherever they stand in the input
 * (in place); steps opened from then on ask the new person. Returns how many places changed.
 */
export function replaceInInput(input: unknown, email: string, person: PersonLike): number {
  let changed = 0;
  visit(input, (record) => {
    if (record.email.toLowerCase() !== email.toLowerCase()) return;
    Object.assign(record, { name: person.name, email: person.email });
    if (person.language === 'en') record.language = 'en';
    else delete record.language;
    changed += 1;
  });
  return changed;
}
