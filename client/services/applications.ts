import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import protos from '@temporalio/proto';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Identity } from '../../auth/identity';
import { seesEveryOffice } from '../../auth/roles';
import type { Db } from '../../db/prisma-client';
import type { Actor } from '../../domain/actor';
import { definitionOf, latestDefinition } from '../../definitions';
import { parseApplicationInput, unitInput } from '../../domain/application-input';
import { isInProgress, type ActionInProgress } from '../../domain/action-in-progress';
import { DomainError, parseOrThrow } from '../../domain/domain-error';
import type { applicationWorkflow } from '../../workflows/application-workflow';
import type { ApplicationState } from '../../workflows/engine/state';
import { unitBranchWorkflowId } from '../../workflows/ids';
import { isBranchOutcome } from '../../workflows/engine/state';
import { startingSearchAttributes } from '../../workflows/search-attributes';
import type { ScheduleUnit } from '../../workflows/calendar/schedule';
import { deputyInput, deputyUntil, replacementInput } from '../../domain/deputy-form';
import { refuseCoordinatorAsDeputy } from './deputy-rules';
import {
  addUnitUpdate,
  appointDeputyUpdate,
  replacePersonUpdate,
  applicationStateQuery,
  extendDeadlineUpdate,
  proceedWithoutMissingUpdate,
  removeUnitUpdate,
  resubmitUpdate,
  type ResubmitChanges,
  withdrawUpdate,
} from '../../workflows/messages';
import { appendAudit, userFields } from '../../activities/audit';
import { queryApplicationState, withLiveUnits } from './application-state';
import { eventAttributes, eventSubject } from './history-event';
import { updateWithin } from './temporal-connection';
import { explainUpdateFailure, isCompletedWorkflowError, isTemporalUnavailable, isWorkflowNotFound } from './temporal-errors';

/** How long reading an application waits for Temporal's part (description, then the state query). */
const LIVE_STATE_MS = 2_000;

/**
 * How long a coordinator's action is awaited once the workflow accepted it. Past that the workflow
 * owns it (it runs to its end across worker restarts and database outages), and the caller is
 * answered that it is being carried out rather than held while, say, the database is away.
 */
export const ACTION_RESULT_MS = 10_000;

export interface StartedApplication {
  id: string;
  /** False when an Idempotency-Key matched an application started earlier. */
  created: boolean;
}

/** Coordinator and admin operations on applications: start, read, history and lifecycle updates. */
export function createApplicationService({
  db,
  temporal,
  taskQueue,
  scheduleUnit = { kind: 'working-day' },
}: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  scheduleUnit?: ScheduleUnit;
}) {
  /** Starts an application in the office of the person who started it. */
  async function start(raw: unknown, idempotencyKey: string | undefined, starter: { office: string | null; by: Actor; keyOwner?: string }): Promise<StartedApplication> {
    const input = parseApplicationInput(raw);
    // With an idempotency key, a retried request maps to the same workflow id and so to one
    // application. The key is its owner's: the caller's by default, so another person's same key
    // (in any office) starts their own application and learns nothing of the first; a draft owns
    // the key of its sending, whoever presses the button.
    const owner = starter.keyOwner ?? starter.by.userId;
    const id = idempotencyKey ? `app-${createHash('sha256').update(`${owner}\n${idempotencyKey}`).digest('hex').slice(0, 32)}` : `app-${randomUUID()}`;
    const inputDigest = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    try {
      const definition = latestDefinition(input.variant);
      await temporal.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
        taskQueue,
        workflowId: id,
        // The definition travels in the input: the application keeps this version to its end.
        args: [{ applicationId: id, input, definition, scheduleUnit, office: starter.office, startedBy: starter.by }],
        typedSearchAttributes: startingSearchAttributes(input, definition.stages[0], starter.office),
        // The office is in the memo too, so access can be checked before the first activity has written the row.
        // And what was asked, so a key used again for another application is refused, not answered with this one.
        memo: { office: starter.office, ...(idempotencyKey ? { input: inputDigest } : {}) },
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return { id, created: true };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError && idempotencyKey) {
        const { memo } = await temporal.workflow.getHandle(id).describe();
        // Applications started before the digest was kept have none: a repeat, as before.
        if (typeof memo?.input === 'string' && memo.input !== inputDigest) {
          throw new DomainError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key already started an application with a different request; use a new key for a new application.');
        }
        return { id, created: false };
      }
      throw error;
    }
  }

  /** Which office an application belongs to; found is false when there is no such application. */
  async function officeOf(id: string): Promise<{ found: boolean; office: string | null }> {
    const row = await db.application.findUnique({ where: { id }, select: { office: true } });
    if (row) return { found: true, office: row.office };
    try {
      const { memo, type } = await temporal.workflow.getHandle(id).describe();
      // A unit's workflow (`<application id>:<stage>:<unit>`) is no application of its own.
      if (type !== 'applicationWorkflow') return { found: false, office: null };
      return { found: true, office: typeof memo?.office === 'string' ? memo.office : null };
    } catch (error) {
      if (isWorkflowNotFound(error)) return { found: false, office: null };
      throw error;
    }
  }

  /**
   * Refuses a coordinator another office's application; admins and auditors reach every office.
   * To a coordinator, another office's application is not there at all (404, the same answer as
   * for an id nobody used), so ids cannot be probed for other offices' applications.
   */
  async function authorize(identity: Identity, id: string): Promise<void> {
    if (seesEveryOffice(identity.role)) return;
    const { found, office } = await officeOf(id);
    if (!found || office === null || office !== identity.office) throw new DomainError('NOT_FOUND', `No application with id ${id}.`);
  }

  async function get(id: string) {
    const [record, live] = await Promise.all([
      db.application.findUnique({
        where: { id },
        select: {
          id: true, variant: true, definitionVersion: true, title: true, status: true, stage: true, coordinatorName: true, coordinatorEmail: true,
          createdAt: true, updatedAt: true, closedAt: true,
          units: { select: { unitKey: true, name: true, projectReference: true, approverName: true, approverEmail: true, status: true }, orderBy: { unitKey: 'asc' } },
          requests: {
            select: {
              id: true, unitKey: true, step: true, kind: true, ask: true, round: true, partyRole: true, partyEmail: true, status: true,
              comment: true, formData: true, late: true, closedReason: true, deadline: true, decidedAt: true, createdAt: true,
            },
            orderBy: { createdAt: 'asc' },
          },
        },
      }),
      liveState(id),
    ]);
    if (!record && live === 'not-found') throw new DomainError('NOT_FOUND', `No application with id ${id}.`);
    const found = live === 'not-found' ? null : live;
    return {
      id,
      status: found?.state?.status ?? record?.status ?? 'starting',
      workflow: found?.workflow ?? null,
      state: found?.state ?? null,
      /** Why the workflow's own part is missing, when it is: the record above is still the database's. */
      liveUnavailable: found?.unavailable ?? null,
      record,
    };
  }

  /**
   * The workflow's description and its state query, each within LIVE_STATE_MS: a query waits for a
   * worker, so with none polling it would hold the answer for tens of seconds. Whatever does not
   * answer in time is left out and named, and the database's record answers the rest.
   */
  async function liveState(id: string) {
    const handle = temporal.workflow.getHandle(id);
    const promptly = <T>(call: () => Promise<T>) => temporal.connection.withDeadline(Date.now() + LIVE_STATE_MS, call);
    let d: Awaited<ReturnType<typeof handle.describe>>;
    try {
      d = await promptly(() => handle.describe());
    } catch (error) {
      if (isWorkflowNotFound(error)) return 'not-found' as const;
      if (!isTemporalUnavailable(error)) throw error;
      return { workflow: null, state: null, unavailable: 'The workflow service cannot be reached right now; this is what the database holds.' };
    }
    const workflow = { workflowId: d.workflowId, runId: d.runId, status: d.status.name, startTime: d.startTime, closeTime: d.closeTime ?? null };
    try {
      const state: ApplicationState = await promptly(() => queryApplicationState(temporal, id));
      return { workflow, state, unavailable: null };
    } catch {
      // No worker in time, or one that could not answer (its task failing): either way the live part is missing.
      return { workflow, state: null, unavailable: 'No worker answered in time, so the live state (steps, parties, deadlines) is left out; this is what the database holds.' };
    }
  }

  /** The domain audit trail and the Temporal event histories (application and unit workflows). */
  /** The audit trail and the Temporal histories of the application and its unit workflows; `withAttributes`: each event's details too (the history page). */
  async function history(id: string, { withAttributes = false }: { withAttributes?: boolean } = {}) {
    const [audit, app] = await Promise.all([
      db.auditEvent.findMany({
        where: { applicationId: id },
        select: { type: true, actor: true, actorName: true, data: true, occurredAt: true, seq: true },
        orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
      }),
      db.application.findUnique({ where: { id }, select: { variant: true, definitionVersion: true, units: { select: { unitKey: true }, orderBy: { unitKey: 'asc' } } } }),
    ]);
    // No record yet (its first activity has not run): the id must still name an application's workflow, not a unit's.
    if (!app && !(await officeOf(id)).found) throw new DomainError('NOT_FOUND', `No application with id ${id}.`);
    const unitStages = (app && definitionOf(app.variant, app.definitionVersion)?.stages.filter((s) => s.scope === 'per-unit')) ?? [];
    const workflowIds = [id, ...unitStages.flatMap((s) => (app?.units ?? []).map((u) => unitBranchWorkflowId(id, s.id, u.unitKey)))];
    const workflows = (await Promise.all(workflowIds.map((w) => eventsOf(w, withAttributes)))).filter((w) => w !== null);
    if (!audit.length && !workflows.length) throw new DomainError('NOT_FOUND', `No application with id ${id}.`);
    return { id, audit, workflows };
  }

  async function eventsOf(workflowId: string, withAttributes = false) {
    try {
      const { events } = await temporal.workflow.getHandle(workflowId).fetchHistory();
      return {
        workflowId,
        events: (events ?? []).map((e) => ({
          eventId: Number(e.eventId),
          eventTime: e.eventTime?.seconds != null ? new Date(Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6)).toISOString() : null,
          eventType: eventTypeName(e.eventType),
          subject: eventSubject(e),
          ...(withAttributes ? { attributes: eventAttributes(e) } : {}),
        })),
      };
    } catch (error) {
      if (isWorkflowNotFound(error)) return null;
      throw error;
    }
  }

  /** Runs a coordinator's update on the application workflow, explaining a refusal. */
  async function onApplication<T>(id: string, run: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>): Promise<T> {
    try {
      return await run(temporal.workflow.getHandle(id));
    } catch (error) {
      const ended = new DomainError('CONFLICT', `Application ${id} has already ended.`);
      // Both answer gRPC NOT_FOUND; only the message tells a finished workflow from a missing one.
      if (isCompletedWorkflowError(error)) throw ended;
      if (isWorkflowNotFound(error)) throw new DomainError('NOT_FOUND', `No application with id ${id}.`);
      throw explainUpdateFailure(error, ended);
    }
  }

  /** Runs an update on the branch that owns a step: the application's own (no unitKey) or a unit's. */
  async function onBranch<T>(id: string, unitKey: string | undefined, run: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>): Promise<T> {
    if (!unitKey) return onApplication(id, run);
    const state = await onApplication(id, (h) => h.query(applicationStateQuery));
    // The application knows which stage's branch a unit is in, which is all this needs.
    const unit = state.units.find((u) => u.unitKey === unitKey);
    if (!unit?.stageId) throw new DomainError('NOT_FOUND', `Application ${id} has no unit ${unitKey} with work in progress.`);
    try {
      return await run(temporal.workflow.getHandle(unitBranchWorkflowId(id, unit.stageId, unitKey)));
    } catch (error) {
      throw explainUpdateFailure(error, new DomainError('CONFLICT', `Unit ${unitKey} of application ${id} has already finished.`));
    }
  }

  /** Runs a coordinator's action: its result, or, once accepted and not done within ACTION_RESULT_MS, ActionInProgress. */
  async function carryOut<Ret, Args extends [unknown, ...unknown[]]>(
    handle: ReturnType<Client['workflow']['getHandle']>,
    update: UpdateDefinition<Ret, Args>,
    args: Args,
    what: string,
  ): Promise<Ret | ActionInProgress> {
    const answer = await updateWithin(handle, update, args, ACTION_RESULT_MS);
    if (answer.settled) return answer.result;
    return { inProgress: true, message: `${what} was accepted and is being carried out; the application's state shows when it is done.` };
  }

  /** As carryOut, for the application's own updates, which answer with its view of its units: running ones are asked for theirs. */
  const carryOutWithUnits = async <Args extends [unknown, ...unknown[]]>(id: string, update: UpdateDefinition<ApplicationState, Args>, args: Args, what: string) =>
    onApplication(id, async (h) => {
      const answer = await carryOut(h, update, args, what);
      return isInProgress(answer) ? answer : withLiveUnits(temporal, id, answer);
    });

  // Each action carries `by`, the signed-in person who asked for it, into the audit trail.

  /** Resubmits work sent back with changes requested. */
  const resubmit = (id: string, unitKey: string | undefined, { note, deadline, changes }: { note?: string; deadline?: string; changes?: ResubmitChanges }, by: Actor) =>
    onBranch(id, unitKey, (h) => carryOut(h, resubmitUpdate, [{ note, deadline, by, ...(changes && Object.keys(changes).length ? { changes } : {}) }], 'The resubmission'));

  /** Extends the deadline of the step now waiting; reminders are rescheduled from the new one. */
  const extendDeadline = (id: string, unitKey: string | undefined, deadline: string, by: Actor) =>
    onBranch(id, unitKey, (h) => carryOut(h, extendDeadlineUpdate, [{ deadline, by }], 'The extension'));

  /** After a missed deadline, goes on without the parties who did not decide (where the step allows). */
  const proceedWithoutMissing = (id: string, unitKey: string | undefined, by: Actor) =>
    onBranch(id, unitKey, (h) => carryOut(h, proceedWithoutMissingUpdate, [{ by }], 'Going on without the missing parties'));

  const withdraw = (id: string, reason: string, by: Actor) => carryOutWithUnits(id, withdrawUpdate, [{ reason, by }], 'The withdrawal');

  const addUnit = (id: string, raw: unknown, by: Actor) => {
    const unit = parseOrThrow(unitInput, raw, 'The unit is invalid');
    return carryOutWithUnits(id, addUnitUpdate, [unit, { by }], `Adding unit ${unit.key}`);
  };

  const removeUnit = (id: string, unitKey: string, reason: string, by: Actor) =>
    carryOutWithUnits(id, removeUnitUpdate, [{ unitKey, reason, by }], `Removing unit ${unitKey}`);

  /**
   * Names a deputy for a party's pending request (the coordinator's, for any party): the deputy gets
   * a link of their own, the party's keeps working, and the first decision of either counts.
   */
  async function nameDeputy(id: string, requestId: string, raw: unknown, by: Actor) {
    const deputy = parseOrThrow(deputyInput, raw, 'The deputy is invalid');
    const until = deputyUntil(deputy.until);
    if (until && Date.parse(until) <= Date.now()) throw new DomainError('VALIDATION', 'The deputy is invalid: until must be in the future', [{ path: 'until', message: 'must be in the future' }]);
    const request = await db.approvalRequest.findFirst({ where: { id: requestId, applicationId: id }, select: { workflowId: true, status: true } });
    if (!request) throw new DomainError('NOT_FOUND', `Application ${id} has no request ${requestId}.`);
    if (request.status !== 'pending') throw new DomainError('CONFLICT', `Request ${requestId} is not waiting for a decision (${request.status}).`);
    await refuseCoordinatorAsDeputy(db, id, deputy.email);
    try {
      return await carryOut(temporal.workflow.getHandle(request.workflowId), appointDeputyUpdate, [{ requestId, deputy: { name: deputy.name, email: deputy.email, language: deputy.language, until }, by }], 'Naming the deputy');
    } catch (error) {
      throw explainUpdateFailure(error, new DomainError('CONFLICT', `Request ${requestId} is no longer open.`));
    }
  }

  /**
   * Puts another person in the place of the one with `email` (a board member, the promoter, a
   * partner, a unit's approver, the coordinator contact): the application's workflow first, then
   * every unit branch still running, each passing that person's open requests on (their links stop
   * working, the new person is invited) and asking the new person from then on.
   */
  async function replacePerson(id: string, raw: unknown, by: Actor): Promise<{ replaced: string; by: unknown; requestsPassedOn: number } | ActionInProgress> {
    const { email, person } = parseOrThrow(replacementInput, raw, 'The replacement is invalid');
    const input = { email, person: { name: person.name, email: person.email, ...(person.language ? { language: person.language } : {}) }, by };
    // One replacement of an application at a time, across servers: two at once could reach its
    // workflows in different orders and leave them disagreeing about who stands where.
    return db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`k2flow-replace:${id}`}, 0))`;
        const own = await onApplication(id, (h) => updateWithin(h, replacePersonUpdate, [input], ACTION_RESULT_MS));
        const state = await onApplication(id, (h) => h.query(applicationStateQuery));
        let settled = own.settled;
        let requests = own.settled ? own.result.requests : 0;
        let places = own.settled ? own.result.places : 0;
        for (const unit of state.units.filter((u) => u.stageId && !isBranchOutcome(u.status))) {
          const handle = temporal.workflow.getHandle(unitBranchWorkflowId(id, unit.stageId!, unit.unitKey));
          const answer = await updateWithin(handle, replacePersonUpdate, [input], ACTION_RESULT_MS).catch((error: unknown) => {
            // A branch that finished meanwhile has nobody left to ask.
            if (isCompletedWorkflowError(error) || isWorkflowNotFound(error)) return { settled: true as const, result: { places: 0, requests: 0 } };
            throw explainUpdateFailure(error, new DomainError('CONFLICT', `Unit ${unit.unitKey} of application ${id} has already finished.`));
          });
          settled &&= answer.settled;
          if (answer.settled) {
            requests += answer.result.requests;
            places += answer.result.places;
          }
        }
        // Every workflow took it (its place in the input changes as it is accepted); the invitations follow.
        if (!settled) return { inProgress: true as const, message: 'The replacement was accepted and is being carried out; the application’s page shows when the new person is invited.' };
        if (!places && !requests) throw new DomainError('NOT_FOUND', `No one with the address ${email} takes part in application ${id}.`);
        return { replaced: email, by: input.person, requestsPassedOn: requests };
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  }

  /** Every email of the application with its delivery status: what was sent to whom and when. */
  async function messages(id: string) {
    const rows = await db.outboxMessage.findMany({
      where: { applicationId: id },
      select: { template: true, toAddress: true, subject: true, messageId: true, status: true, attempts: true, lastError: true, nextAttemptAt: true, createdAt: true, sentAt: true },
      orderBy: { createdAt: 'asc' },
    });
    if (!rows.length && !(await db.application.findUnique({ where: { id }, select: { id: true } }))) throw new DomainError('NOT_FOUND', `No application with id ${id}.`);
    return { id, messages: rows };
  }

  /** Recent applications the person may see: their office's, or every office's for admins and auditors. */
  async function list(identity: Identity, limit = 50) {
    const everyOffice = seesEveryOffice(identity.role);
    if (!everyOffice && !identity.office) return [];
    return db.application.findMany({
      where: everyOffice ? {} : { office: identity.office },
      select: { id: true, title: true, variant: true, status: true, stage: true, office: true, createdAt: true, closedAt: true },
      orderBy: { createdAt: 'desc' },
      take: limit,
    });
  }

  /** Whether the application's record is written (by its workflow's first activity) within `ms`. */
  async function waitForRecord(id: string, ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      if (await db.application.findUnique({ where: { id }, select: { id: true } })) return true;
      if (Date.now() >= until) return false;
      await sleep(100);
    }
  }

  /** Records that a person read an application's history (admins' and auditors' reads are evidence too). */
  async function recordHistoryRead(id: string, by: Actor) {
    if (!(await db.application.findUnique({ where: { id }, select: { id: true } }))) return;
    await appendAudit(db, [{ idempotencyKey: `history-read:${by.requestId}`, applicationId: id, type: 'history.read', ...userFields(by), data: {}, occurredAt: new Date() }]);
  }

  return { start, waitForRecord, authorize, recordHistoryRead, get, history, messages, resubmit, extendDeadline, proceedWithoutMissing, withdraw, addUnit, removeUnit, nameDeputy, replacePerson, list };
}

export type ApplicationService = ReturnType<typeof createApplicationService>;

// @temporalio/proto is CommonJS: its namespace comes through the default export under ESM.
const { EventType } = protos.temporal.api.enums.v1;
const eventTypeName = (type: number | null | undefined): string => (EventType[type ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED').replace(/^EVENT_TYPE_/, '');
