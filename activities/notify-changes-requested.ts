import type { Person } from '../domain/application-input';
import { renderEmail } from '../mail/templates';
import { deliverEmail } from './deliver-email';
import type { ActivityDeps } from './deps';

export interface ChangesRequestedNotice {
  applicationId: string;
  requestId: string;
  unitKey: string | null;
  /** The unit's name, or the application's title for application-level steps. */
  subject: string;
  ask: string;
  applicationTitle: string;
  coordinator: Person;
  requestedBy: string;
  comment: string;
}

/** Tells the coordinator that a party asked for changes; the work waits for a resubmission. */
export const notifyChangesRequested =
  (deps: ActivityDeps) =>
  async (n: ChangesRequestedNotice): Promise<void> => {
    await deliverEmail(deps, {
      idempotencyKey: `changes-requested:${n.requestId}`,
      applicationId: n.applicationId,
      template: 'changes-requested',
      to: n.coordinator.email,
      render: async () =>
        renderEmail('changes-requested', {
          coordinatorName: n.coordinator.name,
          applicationId: n.applicationId,
          applicationTitle: n.applicationTitle,
          unitKey: n.unitKey,
          subject: n.subject,
          ask: n.ask,
          requestedBy: n.requestedBy,
          comment: n.comment,
        }, n.coordinator.language ?? 'pl'),
    });
  };
