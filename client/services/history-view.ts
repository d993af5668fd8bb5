import type { Db } from '../../db/prisma-client';
import { DomainError } from '../../domain/domain-error';
import { definitionOf } from '../../definitions';
import type { HistoryView, TimelinePlan } from '../http/pages/history-page';
import type { DocumentService } from './documents';
import { peopleIn, replaceInInput } from '../../domain/people-in-input';
import type { ApplicationService } from './applications';
import type { EvidenceService } from './evidence';
import { isTemporalUnavailable } from './temporal-errors';
import { reminderPolicyFor, reminderTimes, type ReminderPolicy, type ScheduleUnit } from '../../workflows/calendar/schedule';

/**
 * What the history page of one application shows, from the services the API uses: the audit
 * trail and Temporal histories (the trail alone while Temporal is away), every party's request
 * with its decision and the reminders planned, the emails, and for
 * people who may audit, the check of the audit chain.
 */
export function createHistoryView({ db, applications, evidence, documents, scheduleUnit = { kind: 'working-day' }, clock = () => new Date() }: {
  db: Db;
  documents: DocumentService;
  applications: ApplicationService;
  evidence: EvidenceService;
  /** The unit the workflows count reminders in (the worker's and this server's K2FLOW_SCHEDULE_UNIT). */
  scheduleUnit?: ScheduleUnit;
  clock?: () => Date;
}) {
  return async function historyView(id: string, { withChain }: { withChain: boolean }): Promise<HistoryView> {
    const found = await db.application.findUnique({
      where: { id },
      select: {
        id: true, title: true, variant: true, status: true, office: true, input: true, definitionVersion: true, createdAt: true, closedAt: true, stage: true,
        units: { select: { unitKey: true, name: true, status: true }, orderBy: { unitKey: 'asc' } },
      },
    });
    if (!found) throw new DomainError('NOT_FOUND', `No application with id ${id}.`);
    const { input, definitionVersion, createdAt, closedAt, stage, ...application } = found;
    const [history, messages, chain, requests, versions] = await Promise.all([
      applications.history(id, { withAttributes: true }).catch((error: unknown) => {
        if (isTemporalUnavailable(error)) return null;
        throw error;
      }),
      applications.messages(id),
      withChain ? evidence.verify(id) : null,
      db.approvalRequest.findMany({
        where: { applicationId: id },
        select: { id: true, partyEmail: true, decidedByName: true, unitKey: true, step: true, round: true, partyName: true, partyRole: true, status: true, comment: true, decidedAt: true, late: true, deadline: true, formData: true },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
      documents.list(id),
    ]);
    // The reminders still ahead for each pending party: the same schedule the workflow keeps.
    const steps = (definitionOf(application.variant, definitionVersion)?.stages ?? []).flatMap((st) => st.steps);
    const now = clock().getTime();
    const parties = requests.map(({ formData, ...r }) => {
      const policy = reminderPolicyFor(input as { reminders?: ReminderPolicy } | null, steps.find((st) => st.id === r.step));
      return {
        ...r,
        services: (formData as { services?: string[] } | null)?.services ?? null,
        reminders: r.status === 'pending' ? reminderTimes(r.deadline.getTime(), policy, now, scheduleUnit).map((at) => new Date(at)) : [],
      };
    });
    const audit =
      history?.audit ??
      (await db.auditEvent.findMany({ where: { applicationId: id }, select: { type: true, actor: true, actorName: true, data: true, occurredAt: true, seq: true }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] }));
    const plan = planOf(input, application.variant, definitionVersion, createdAt, closedAt, stage);
    // Who stands where now: the input as it started, with the replacements since.
    const standing = structuredClone(input);
    for (const a of audit) {
      const d = a.data as { from?: { email: string }; to?: { name: string; email: string } } | null;
      if (a.type === 'person.replaced' && d?.from && d.to) replaceInInput(standing, d.from.email, d.to);
    }
    return { application, plan, parties, audit, workflows: history?.workflows ?? null, messages: messages.messages, chain, documents: versions, steps: steps.map((st) => st.id), people: peopleIn(standing) };
  };
}

/** The application's stages and their deadlines as its input set them, for the timeline's picture. */
function planOf(input: unknown, variant: string, version: number, startedAt: Date, closedAt: Date | null, currentStage: string | null): TimelinePlan {
  const deadlines = (input as { deadlines?: Record<string, string> } | null)?.deadlines ?? {};
  const stages = (definitionOf(variant, version)?.stages ?? []).map((stage) => ({
    id: stage.id,
    name: stage.name,
    scope: stage.scope,
    steps: stage.steps.map((s) => s.id),
    current: stage.id === currentStage,
    deadlines: [...new Set(stage.steps.map((s) => s.deadline))].flatMap((key) => (deadlines[key] ? [{ key, at: new Date(deadlines[key]) }] : [])),
  }));
  return { startedAt, closedAt, stages };
}
