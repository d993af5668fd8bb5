import type { ApplicationInput, Person, UnitInput } from '../../domain/application-input';
import type { Role } from './definition';

export interface Party extends Person {
  role: Role;
  /** Stable within a step; part of the request id. */
  key: string;
}

/** The people who act for a role in this application (and unit, for per-unit steps). */
export function partiesFor(role: Role, input: ApplicationInput, unit: UnitInput | null): Party[] {
  const one = (person: Person | undefined, key: string = role): Party[] => (person ? [{ ...person, role, key }] : []);
  switch (role) {
    case 'unit-approver':
      return one(unit?.approver);
    case 'coordinator':
      return one(input.coordinator);
    case 'board-member':
      return input.variant === 'dedicated-zit-allocation' ? input.board.members.map((m, i) => ({ ...m, role, key: `board-member-${i + 1}` })) : [];
    case 'promoter':
      return one(input.variant === 'dedicated-zit-allocation' ? input.promoter : undefined);
    case 'ksse':
      return one(input.variant === 'individual-cooperation' ? input.partners.ksse : undefined);
    case 'landster':
      return one(input.variant === 'individual-cooperation' ? input.partners.landster : undefined);
  }
}

/** Fills a step's `ask` template with this application's names. */
export function fillAsk(template: string, input: ApplicationInput, unit: UnitInput | null, declaredServices: string): string {
  const values: Record<string, string> = {
    title: input.title,
    'unit.name': unit?.name ?? '',
    'unit.projectReference': unit?.projectReference ?? '',
    'promoter.name': input.variant === 'dedicated-zit-allocation' ? input.promoter.name : '',
    declaredServices,
  };
  return template.replace(/\{([a-zA-Z.]+)\}/g, (whole, key: string) => values[key] ?? whole);
}
