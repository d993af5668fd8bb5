import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../../db/prisma-client';
import { parseApplicationInput } from '../../domain/application-input';
import { DomainError } from '../../domain/domain-error';
import type { applicationWorkflow } from '../../workflows/application-workflow';
import { unitBranchWorkflowId } from '../../workflows/ids';
import { applicationStateQuery, resubmitUpdate, type ApplicationState, type UnitState } from '../../workflows/messages';
import { explainUpdateFailure, isWorkflowNotFound } from './temporal-errors';

export interface StartedApplication {
  id: string;
  /** False when an Idempotency-Key matched an application started earlier. */
  created: boolean;
}

/** Coordinator and admin operations on applications: start, read, history, resubmit. */
export function createApplicationService({ db, temporal, taskQueue }: { db: Db; temporal: Client; taskQueue: string }) {
  async function start(raw: unknown, idempotencyKey?: string): Promise<StartedApplication> {
    const input = parseApplicationInput(raw);
    // With an idempotency key, a retried request maps to the same workflow id and so to one application.
    const id = idempotencyKey
      ? `app-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}`
      : `app-${randomUUID()}`;
    try {
      await temporal.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
        taskQueue,
        workflowId: id,
        args: [{ applicationId: id, input }],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return { id, created: true };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError && idempotencyKey) return { id, created: false };
      throw error;
    }
  }

  async function get(id: string) {
    const [record, live] = await Promise.all([
      db.application.findUnique({
        where: { id },
        select: {
          id: true, variant: true, title: true, status: true, coordinatorName: true, coordinatorEmail: true,
          createdAt: true, updatedAt: true, closedAt: true,
          units: { select: { unitKey: true, name: true, projectReference: true, approverName: true, approverEmail: true, status: true }, orderBy: { unitKey: 'asc' } },
          requests: {
            select: { id: true, unitKey: true, step: true, round: true, partyRole: true, partyEmail: true, status: true, comment: true, deadline: true, decidedAt: true, createdAt: true },
            orderBy: { createdAt: 'asc' },
          },
        },
      }),
      liveState(id),
    ]);
    if (!record && !live) throw new DomainError('NOT_FOUND', `No application with id ${id}.`);
    return {
      id,
      status: live?.state?.status ?? record?.status ?? 'starting',
      workflow: live?.workflow ?? null,
      state: live?.state ?? null,
      record,
    };
  }

  async function liveState(id: string) {
    const handle = temporal.workflow.getHandle(id);
    try {
      const d = await handle.describe();
      const state: ApplicationState | null = await handle.query(applicationStateQuery).catch(() => null);
      return {
        workflow: { workflowId: d.workflowId, runId: d.runId, status: d.status.name, startTime: d.startTime, closeTime: d.closeTime ?? null },
        state,
      };
    } catch (error) {
      if (isWorkflowNotFound(error)) return null;
      throw error;
    }
  }

  /** The domain audit trail and the Temporal event histories (application and unit workflows). */
  async function history(id: string) {
    const [audit, units] = await Promise.all([
      db.auditEvent.findMany({
        where: { applicationId: id },
        select: { type: true, actor: true, data: true, occurredAt: true },
        orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
      }),
      db.applicationUnit.findMany({ where: { applicationId: id }, select: { unitKey: true }, orderBy: { unitKey: 'asc' } }),
    ]);
    const workflowIds = [id, ...units.map((u) => unitBranchWorkflowId(id, u.unitKey))];
    const workflows = (await Promise.all(workflowIds.map(eventsOf))).filter((w) => w !== null);
    if (!audit.length && !workflows.length) throw new DomainError('NOT_FOUND', `No application with id ${id}.`);
    return { id, audit, workflows };
  }

  async function eventsOf(workflowId: string) {
    try {
      const { events } = await temporal.workflow.getHandle(workflowId).fetchHistory();
      return {
        workflowId,
        events: (events ?? []).map((e) => ({
          eventId: Number(e.eventId),
          eventTime: e.eventTime?.seconds != null ? new Date(Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6)).toISOString() : null,
          eventType: eventTypeName(e.eventType),
        })),
      };
    } catch (error) {
      if (isWorkflowNotFound(error)) return null;
      throw error;
    }
  }

  async function resubmit(id: string, unitKey: string, note?: string): Promise<UnitState> {
    try {
      return await temporal.workflow.getHandle(unitBranchWorkflowId(id, unitKey)).executeUpdate(resubmitUpdate, { args: [{ note }] });
    } catch (error) {
      if (isWorkflowNotFound(error)) throw new DomainError('NOT_FOUND', `No unit ${unitKey} in application ${id}.`);
      throw explainUpdateFailure(error, `Unit ${unitKey} of application ${id} is already resolved.`);
    }
  }

  async function list(limit = 50) {
    return db.application.findMany({
      select: { id: true, title: true, variant: true, status: true, createdAt: true, closedAt: true },
      orderBy: { createdAt: 'desc' },
      take: limit,
    });
  }

  return { start, get, history, resubmit, list };
}

export type ApplicationService = ReturnType<typeof createApplicationService>;

// @temporalio/proto is CommonJS: its namespace comes through the default export under ESM.
const { EventType } = protos.temporal.api.enums.v1;
const eventTypeName = (type: number | null | undefined): string =>
  (EventType[type ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED').replace(/^EVENT_TYPE_/, '');
