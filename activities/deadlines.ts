import type { Person } from '../domain/application-input';
import type { ReminderSkip } from '../workflows/calendar/schedule';
import { renderEmail } from '../mail/templates';
import { issueApprovalLink, moveLinkExpiry, withDeadlineIcs } from './approval-link';
import type { Actor } from '../domain/actor';
import { actedBy, actor, appendAudit } from './audit';
import { enqueueEmail } from './enqueue-email';
import type { ActivityDeps } from './deps';
import { applicationPageUrl } from './application-page';

/**
 * Reminds the parties of these requests that have still not decided, each with a fresh link; or,
 * when the workflow judged the reminder stale (`skipped`), records that it was not sent and why.
 */
export const remindParties =
  (deps: ActivityDeps) =>
  async ({ applicationId, requestIds, at, skipped }: { applicationId: string; requestIds: string[]; at: string; skipped?: ReminderSkip }): Promise<void> => {
    if (skipped) {
      await appendAudit(
        deps.db,
        requestIds.map((requestId) => ({ idempotencyKey: `reminder-skipped:${requestId}:${at}`, applicationId, type: 'reminder.skipped', actor: actor.system, data: { requestId, scheduledFor: at, reason: skipped }, occurredAt: deps.clock() })),
      );
      return;
    }
    const pending = await deps.db.approvalRequest.findMany({
      where: { id: { in: requestIds }, status: 'pending' },
      select: { id: true, partyName: true, partyEmail: true, partyLanguage: true, ask: true, deadline: true, acceptsLate: true, unitKey: true, application: { select: { title: true, units: { select: { unitKey: true, name: true } } } } },
    });
    for (const r of pending) {
      const key = `reminder:${r.id}:${at}`;
      await enqueueEmail(deps, {
        idempotencyKey: key,
        applicationId,
        template: 'reminder',
        to: r.partyEmail,
        issuesLink: true,
        render: async (tx) => {
          const link = await issueApprovalLink(tx, deps, { id: r.id, partyEmail: r.partyEmail, deadline: r.deadline, acceptsLate: r.acceptsLate });
          const subject = r.application.units.find((u) => u.unitKey === r.unitKey)?.name ?? r.application.title;
          const email = renderEmail(
            'reminder',
            { partyName: r.partyName, applicationTitle: r.application.title, subject, what: r.ask, deadline: r.deadline.toISOString(), link },
            r.partyLanguage as 'pl' | 'en',
          );
          return withDeadlineIcs(email, { id: r.id, ask: r.ask, deadline: r.deadline }, deps.clock());
        },
      });
      await appendAudit(deps.db, [
        { idempotencyKey: key, applicationId, type: 'reminder.sent', actor: actor.system, data: { requestId: r.id, to: r.partyEmail, scheduledFor: at }, occurredAt: deps.clock() },
      ]);
    }
  };

export interface MissedDeadline {
  applicationId: string;
  /** Names this escalation (step, round, deadline and its count) so a retry sends it once. */
  key: string;
  unitKey: string | null;
  subject: string;
  stepId: string;
  ask: string;
  deadline: string;
  missing: string[];
  canProceed: boolean;
  coordinator: Person;
  escalation: number;
}

/** Tells the coordinator a deadline passed with parties missing, and what they can do. */
export const escalateMissedDeadline =
  (deps: ActivityDeps) =>
  async (m: MissedDeadline): Promise<void> => {
    await enqueueEmail(deps, {
      idempotencyKey: `escalation:${m.key}`,
      applicationId: m.applicationId,
      template: 'deadline-missed',
      to: m.coordinator.email,
      render: async () =>
        renderEmail('deadline-missed', {
          coordinatorName: m.coordinator.name,
          applicationId: m.applicationId,
          unitKey: m.unitKey,
          subject: m.subject,
          ask: m.ask,
          deadline: m.deadline,
          missing: m.missing,
          canProceed: m.canProceed,
          escalation: m.escalation,
          page: applicationPageUrl(deps.publicUrl, m.applicationId),
        }, m.coordinator.language ?? 'pl'),
    });
    await appendAudit(deps.db, [
      {
        idempotencyKey: `escalation:${m.key}`,
        applicationId: m.applicationId,
        type: 'deadline.escalated',
        actor: actor.system,
        data: { unitKey: m.unitKey, stepId: m.stepId, deadline: m.deadline, missing: m.missing, escalation: m.escalation },
        occurredAt: deps.clock(),
      },
    ]);
  };

/**
 * Moves the deadline of pending requests (and of their links) after the coordinator extended it.
 * Only requests still pending move, chosen by the UPDATE itself, and the record names those:
 * one decided or closed meanwhile keeps its deadline and is not claimed to have moved.
 */
export const recordDeadlineExtended =
  (deps: ActivityDeps) =>
  async ({ applicationId, requestIds, resubmission, previous, deadline, by: actor }: { applicationId: string; requestIds: string[]; /** Set for the wait for a resubmission, which has no requests. */ resubmission?: { unitKey: string | null; stepId: string; round: number }; previous: string; deadline: string; by?: Actor }): Promise<void> => {
    const { db, clock } = deps;
    const by = await actedBy(deps, applicationId, actor);
    const next = new Date(deadline);
    await db.$transaction(async (tx) => {
      const moved = await tx.approvalRequest.updateManyAndReturn({
        where: { id: { in: requestIds }, status: 'pending' },
        data: { deadline: next },
        select: { id: true, acceptsLate: true },
      });
      for (const r of moved) await moveLinkExpiry(tx, r, next);
      const movedIds = requestIds.filter((id) => moved.some((r) => r.id === id));
      await appendAudit(tx, [
        {
          // A resubmission's wait is named by its branch and round: two units' waits extended to one moment are two records.
          idempotencyKey: `deadline-extended:${resubmission ? `resubmission:${applicationId}:${resubmission.unitKey ?? '-'}:${resubmission.stepId}:${resubmission.round}` : (requestIds[0] ?? applicationId)}:${deadline}`,
          applicationId,
          type: 'deadline.extended',
          ...by,
          data: { requestIds: movedIds, ...(resubmission ? { resubmission } : {}), previous, deadline },
          occurredAt: clock(),
        },
      ]);
    });
  };

/** Records that the coordinator went on without the parties who missed the deadline, and who they were. */
export const recordProceededWithoutMissing =
  (deps: ActivityDeps) =>
  async ({ applicationId, stepId, unitKey, deadline, missing, by: actor }: { applicationId: string; stepId: string; unitKey: string | null; deadline: string; missing: { requestId: string; name: string; role: string }[]; by?: Actor }): Promise<void> => {
    const by = await actedBy(deps, applicationId, actor);
    await appendAudit(deps.db, [
      {
        idempotencyKey: `proceeded-without-missing:${unitKey ?? applicationId}:${stepId}:${deadline}`,
        applicationId,
        type: 'step.proceeded-without-missing',
        ...by,
        data: { stepId, unitKey, deadline, missing },
        occurredAt: deps.clock(),
      },
    ]);
  };
