import type { Db } from '../../db/prisma-client';
import { DomainError } from '../../domain/domain-error';
import type { HistoryView } from '../http/pages/history-page';
import type { ApplicationService } from './applications';
import type { EvidenceService } from './evidence';
import { isTemporalUnavailable } from './temporal-errors';

/**
 * What the history page of one application shows, from the services the API uses: the audit
 * trail and Temporal histories (the trail alone while Temporal is away), the emails, and for
 * people who may audit, the check of the audit chain.
 */
export function createHistoryView({ db, applications, evidence }: { db: Db; applications: ApplicationService; evidence: EvidenceService }) {
  return async function historyView(id: string, { withChain }: { withChain: boolean }): Promise<HistoryView> {
    const application = await db.application.findUnique({ where: { id }, select: { id: true, title: true, variant: true, status: true, office: true, units: { select: { unitKey: true, name: true, status: true }, orderBy: { unitKey: 'asc' } } } });
    if (!application) throw new DomainError('NOT_FOUND', `No application with id ${id}.`);
    const [history, messages, chain] = await Promise.all([
      applications.history(id, { withAttributes: true }).catch((error: unknown) => {
        if (isTemporalUnavailable(error)) return null;
        throw error;
      }),
      applications.messages(id),
      withChain ? evidence.verify(id) : null,
    ]);
    const audit =
      history?.audit ??
      (await db.auditEvent.findMany({ where: { applicationId: id }, select: { type: true, actor: true, actorName: true, data: true, occurredAt: true, seq: true }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] }));
    return { application, audit, workflows: history?.workflows ?? null, messages: messages.messages, chain };
  };
}
