import type { Actor } from '../domain/actor';
import { renderEmail } from '../mail/templates';
import { issueApprovalLink, withDeadlineIcs } from './approval-link';
import { appendAudit, userFields } from './audit';
import type { ActivityDeps } from './deps';
import { enqueueEmailIn } from './enqueue-email';

/** Someone who takes a place in an application. */
export interface Person {
  name: string;
  email: string;
  language?: 'pl' | 'en';
}

export interface ReassignInput {
  applicationId: string;
  /** The open requests of the replaced person in the calling workflow. */
  requestIds: string[];
  /** The replaced person's address. */
  from: string;
  to: Person;
  by: Actor;
  /** Names this replacement within its workflow: the logical emails' and records' keys. */
  key: string;
  /** The application's own workflow records the person's replacement itself (once), and the people on its record. */
  recordPerson: boolean;
}

/**
 * Passes the replaced person's open requests to the new person: each request's party changes, every
 * link to it (the old person's and any deputy's) stops working, and the new person is emailed a link
 * of their own; audited per request ('party.replaced') and, from the application's workflow, once
 * for the person ('person.replaced'). Once however often it is retried.
 */
export const reassignRequests =
  (deps: ActivityDeps) =>
  async ({ applicationId, requestIds, from, to, by, key, recordPerson }: ReassignInput): Promise<void> => {
    const { db, clock } = deps;
    const language = to.language ?? 'pl';
    let queued = false;
    for (const requestId of requestIds) {
      queued =
        (await db.$transaction(
          async (tx) => {
            const r = await tx.approvalRequest.findUniqueOrThrow({
              where: { id: requestId },
              select: { status: true, partyName: true, partyEmail: true, ask: true, deadline: true, acceptsLate: true, unitKey: true, application: { select: { title: true, units: { select: { unitKey: true, name: true } } } } },
            });
            // Decided or closed meanwhile: nothing to pass on. Already passed (a retry): the email below is there.
            if (r.status !== 'pending') return 'already-queued';
            const formerly = { name: r.partyName, email: r.partyEmail };
            if (r.partyEmail !== to.email) {
              await tx.approvalRequest.update({ where: { id: requestId }, data: { partyName: to.name, partyEmail: to.email, partyLanguage: language } });
              await tx.approvalToken.updateMany({ where: { approvalRequestId: requestId, revokedAt: null }, data: { revokedAt: clock() } });
            }
            const written = await enqueueEmailIn(tx, deps, {
              idempotencyKey: `reassigned:${requestId}:${key}`,
              applicationId,
              template: 'approval-request',
              to: to.email,
              issuesLink: true,
              render: async () => {
                const link = await issueApprovalLink(tx, deps, { id: requestId, partyEmail: to.email, deadline: r.deadline, acceptsLate: r.acceptsLate });
                const subject = r.application.units.find((u) => u.unitKey === r.unitKey)?.name ?? r.application.title;
                const email = renderEmail('approval-request', { partyName: to.name, applicationTitle: r.application.title, subject, what: r.ask, deadline: r.deadline.toISOString(), link }, language);
                return withDeadlineIcs(email, { id: requestId, ask: r.ask, deadline: r.deadline }, clock());
              },
            });
            await appendAudit(tx, [
              {
                idempotencyKey: `party.replaced:${requestId}:${key}`,
                applicationId,
                type: 'party.replaced',
                ...userFields(by),
                data: { requestId, from: formerly.email === to.email ? { email: from } : formerly, to: { name: to.name, email: to.email } },
                occurredAt: clock(),
              },
            ]);
            return written;
          },
          { timeout: 20_000 },
        )) === 'queued' || queued;
    }
    if (recordPerson) {
      await db.$transaction(async (tx) => {
        // Addresses match whatever their case, as in the workflow.
        await tx.application.updateMany({ where: { id: applicationId, coordinatorEmail: { equals: from, mode: 'insensitive' } }, data: { coordinatorName: to.name, coordinatorEmail: to.email } });
        await tx.applicationUnit.updateMany({ where: { applicationId, approverEmail: { equals: from, mode: 'insensitive' } }, data: { approverName: to.name, approverEmail: to.email } });
        await appendAudit(tx, [
          { idempotencyKey: `person.replaced:${applicationId}:${key}`, applicationId, type: 'person.replaced', ...userFields(by), data: { from: { email: from }, to: { name: to.name, email: to.email }, requests: requestIds.length }, occurredAt: clock() },
        ]);
      });
    }
    if (queued) deps.wakeOutbox?.();
  };
