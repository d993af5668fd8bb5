import type { Person } from '../domain/application-input';
import { renderEmail } from '../mail/templates';
import { deliverEmail } from './deliver-email';
import type { ActivityDeps } from './deps';

export interface ChangesRequestedNotice {
  applicationId: string;
  requestId: string;
  unitKey: string;
  unitName: string;
  applicationTitle: string;
  coordinator: Person;
  requestedBy: string;
  comment: string;
}

/** Tells the coordinator that a unit's approver asked for changes. */
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
          unitName: n.unitName,
          requestedBy: n.requestedBy,
          comment: n.comment,
        }),
    });
  };
