import type { Actor } from '../domain/actor';
import { renderEmail } from '../mail/templates';
import { issueDeputyLink, withDeadlineIcs } from './approval-link';
import { actor, appendAudit, userFields } from './audit';
import type { ActivityDeps } from './deps';
import { enqueueEmailIn } from './enqueue-email';

/** A person named to decide on a party's behalf. */
export interface Deputy {
  name: string;
  email: string;
  language: 'pl' | 'en';
  /** The end of the deputyship (ISO 8601); null for as long as the request is open. */
  until: string | null;
}

export interface AppointDeputyInput {
  applicationId: string;
  requestId: string;
  deputy: Deputy;
  /** The how-manieth deputy named for this request (1, 2, …): the logical email's key. */
  n: number;
  /** The party themself (through their link), or a signed-in coordinator. */
  by: { party: true } | { user: Actor };
}

/**
 * Gives a deputy their own link for a pending request and emails it to them, with the audit
 * record saying who named whom for whom ('deputy.named'), in one transaction; once however often
 * it is retried. An earlier deputy's link stops working. A request closed meanwhile is left as it is.
 */
export const appointDeputy =
  (deps: ActivityDeps) =>
  async ({ applicationId, requestId, deputy, n, by }: AppointDeputyInput): Promise<'named' | 'closed'> => {
    const { db, clock } = deps;
    const r = await db.approvalRequest.findUniqueOrThrow({
      where: { id: requestId },
      select: { status: true, partyName: true, partyEmail: true, partyRole: true, ask: true, deadline: true, acceptsLate: true, unitKey: true, application: { select: { title: true, units: { select: { unitKey: true, name: true } } } } },
    });
    if (r.status !== 'pending') return 'closed';
    const until = deputy.until ? new Date(deputy.until) : null;
    const namedBy = 'user' in by ? by.user.name : r.partyName;
    const written = await db.$transaction(
      async (tx) => {
        const queued = await enqueueEmailIn(tx, deps, {
          idempotencyKey: `deputy-invitation:${requestId}:${n}`,
          applicationId,
          template: 'deputy-invitation',
          to: deputy.email,
          issuesLink: true,
          render: async () => {
            const link = await issueDeputyLink(tx, deps, { id: requestId, deadline: r.deadline, acceptsLate: r.acceptsLate }, { name: deputy.name, email: deputy.email, until });
            const subject = r.application.units.find((u) => u.unitKey === r.unitKey)?.name ?? r.application.title;
            const email = renderEmail(
              'deputy-invitation',
              { deputyName: deputy.name, partyName: r.partyName, namedBy, applicationTitle: r.application.title, subject, what: r.ask, deadline: r.deadline.toISOString(), until: deputy.until, link },
              deputy.language,
            );
            return withDeadlineIcs(email, { id: `${requestId}:deputy`, ask: r.ask, deadline: r.deadline }, clock());
          },
        });
        await appendAudit(tx, [
          {
            idempotencyKey: `deputy.named:${requestId}:${n}`,
            applicationId,
            type: 'deputy.named',
            ...('user' in by ? userFields(by.user) : { actor: actor.party(r.partyRole, r.partyEmail) }),
            data: { requestId, party: { name: r.partyName, email: r.partyEmail, role: r.partyRole }, deputy: { name: deputy.name, email: deputy.email }, until: deputy.until },
            occurredAt: clock(),
          },
        ]);
        return queued;
      },
      { timeout: 20_000 },
    );
    if (written === 'queued') deps.wakeOutbox?.();
    return 'named';
  };
