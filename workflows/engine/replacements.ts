import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { replaceInInput, takesPart } from '../../domain/people-in-input';
import { activities } from '../activities-proxy';
import { refusal, replacePersonUpdate, type ReplacePersonInput } from '../messages';
import type { DecisionInbox } from './decision-inbox';

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
        // One person, one place: someone who already takes part cannot take a second one.
        if (places.some((p) => takesPart(p, email)) && places.some((p) => takesPart(p, person.email))) throw ApplicationFailure.create({ type: refusal.validation, message: `${person.email} already takes part in the application; name someone else.` });
      },
    },
  );
}
