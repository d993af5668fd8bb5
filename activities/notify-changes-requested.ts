import type { Person } from '../domain/application-input';
import type { ReminderSkip } from '../workflows/calendar/schedule';
import { renderEmail } from '../mail/templates';
import { actor, appendAudit } from './audit';
import { enqueueEmail, type EmailDelivery } from './enqueue-email';
import type { ActivityDeps } from './deps';
import { applicationPageUrl } from './application-page';

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
    await enqueueEmail(deps, changesRequestedEmail(deps, n));
  };

/** The coordinator's email about changes requested, once per request. */
export const changesRequestedEmail = (deps: ActivityDeps, n: ChangesRequestedNotice): EmailDelivery => ({
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
      page: applicationPageUrl(deps.publicUrl, n.applicationId),
    }, n.coordinator.language ?? 'pl'),
});

export interface ResubmissionDue {
  applicationId: string;
  /** Names this reminder (branch, round, deadline, count) so a retry sends it once. */
  key: string;
  unitKey: string | null;
  subject: string;
  ask: string;
  comment: string;
  deadline: string;
  coordinator: Person;
  /** 0 before the deadline; n for the nth time after it. */
  escalation: number;
  /** Set when the reminder's moment passed while no worker ran: recorded as skipped, nothing sent. */
  skipped?: ReminderSkip;
}

/** Reminds the coordinator of a resubmission the work waits for; after its deadline, every working day. */
export const remindResubmission =
  (deps: ActivityDeps) =>
  async (r: ResubmissionDue): Promise<void> => {
    if (r.skipped) {
      await appendAudit(deps.db, [
        { idempotencyKey: `resubmission-reminder-skipped:${r.key}`, applicationId: r.applicationId, type: 'resubmission.reminder-skipped', actor: actor.system, data: { unitKey: r.unitKey, deadline: r.deadline, reason: r.skipped }, occurredAt: deps.clock() },
      ]);
      return;
    }
    await enqueueEmail(deps, {
      idempotencyKey: `resubmission-due:${r.key}`,
      applicationId: r.applicationId,
      template: 'resubmission-due',
      to: r.coordinator.email,
      render: async () =>
        renderEmail('resubmission-due', {
          coordinatorName: r.coordinator.name,
          applicationId: r.applicationId,
          unitKey: r.unitKey,
          subject: r.subject,
          ask: r.ask,
          comment: r.comment,
          deadline: r.deadline,
          escalation: r.escalation,
          page: applicationPageUrl(deps.publicUrl, r.applicationId),
        }, r.coordinator.language ?? 'pl'),
    });
    await appendAudit(deps.db, [
      {
        idempotencyKey: `resubmission-due:${r.key}`,
        applicationId: r.applicationId,
        type: r.escalation > 0 ? 'resubmission.escalated' : 'resubmission.reminded',
        actor: actor.system,
        data: { unitKey: r.unitKey, deadline: r.deadline, escalation: r.escalation },
        occurredAt: deps.clock(),
      },
    ]);
  };
