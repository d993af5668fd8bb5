import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { Person } from '../../activities/replacements';
import { activities } from '../activities-proxy';
import { refusal, replacePersonUpdate, type ReplacePersonInput } from '../messages';
import type { DecisionInbox } from './decision-inbox';

/**
 * Puts `person` in the place of whoever has the address `email`, wherever a person stands in the
 * application's input (coordinator, board members, promoter, partners, units' approvers): steps
 * opened from now on ask the new person. Returns how many places changed.
 */
export function replaceInInput(input: unknown, email: string, person: Person): number {
  let changed = 0;
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(walk);
    const record = value as Record<string, unknown>;
    if (typeof record.email === 'string' && typeof record.name === 'string' && record.email.toLowerCase() === email.toLowerCase()) {
      Object.assign(record, { name: person.name, email: person.email });
      if (person.language === 'en') record.language = 'en';
      else delete record.language;
      changed += 1;
      return;
    }
    Object.values(record).forEach(walk);
  };
  walk(input);
  return changed;
}

/**
 * The coordinator's `replacePerson` update on one workflow (the application's and each running
 * unit branch's): the person's place in the input, and their open requests here, which pass to the
 * new person with a new link (the old person's links stop working); audited as who replaced whom.
 */
export function installReplacements(inbox: DecisionInbox, applicationId: string, places: unknown[], { recordsPerson }: { recordsPerson: boolean }): void {
  let n = 0;
  setHandler(
    replacePersonUpdate,
    async ({ email, person, by }) => {
      n += 1;
      const places_ = places.reduce<number>((sum, p) => sum + replaceInInput(p, email, person), 0);
      const requestIds = inbox.reassign(email, person);
      if (requestIds.length || (recordsPerson && places_)) {
        await activities.reassignRequests({ applicationId, requestIds, from: email, to: person, by, key: `${n}:${email}`, recordPerson: recordsPerson && places_ > 0 });
      }
      return { places: places_, requests: requestIds.length };
    },
    {
      validator: ({ email, person }: ReplacePersonInput) => {
        if (email.toLowerCase() === person.email.toLowerCase()) throw ApplicationFailure.create({ type: refusal.validation, message: 'The new person must have another address than the one replaced.' });
      },
    },
  );
}
