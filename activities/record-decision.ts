import { renderEmail, type TemplateProps } from '../mail/templates';
import type { RecordedDecision } from '../workflows/engine/state';
import { actor, appendAudit } from './audit';
import { enqueueEmail } from './enqueue-email';
import type { ActivityDeps } from './deps';

const statusOf = {
  approve: 'approved',
  reject: 'rejected',
  'request-changes': 'changes-requested',
  declare: 'declared',
  decline: 'declined',
} as const;

/** A decision's form data as stored on its request: the services a declaration chose. */
export const servicesOf = (formData: unknown): string[] | null => (formData as { services?: string[] } | null)?.services ?? null;

/** What the workflow knows of the party who decided: enough to audit and confirm it without reading it back. */
export interface DecidingParty {
  role: string;
  name: string;
  language: 'pl' | 'en';
  ask: string;
  applicationTitle: string;
  /** The unit's name, or the application's title for application steps. */
  concerning: string;
}

export type DecisionToRecord = RecordedDecision & {
  applicationId: string;
  unitKey: string | null;
  /**
   * The lean engine's: the party as the workflow holds it. Given, the party's receipt is queued
   * here too (the earlier engine sends it with sendDecisionReceipt).
   */
  party?: DecidingParty;
};

/**
 * Makes an accepted decision durable: the request's status, form data and an audit record, once.
 * The audit record is written only when the guarded update changed the request: not on a retry
 * after the first attempt committed, and not when the request was closed first (a withdrawal or a
 * removal racing the decision), where the trail holds the 'approval.closed' that did happen.
 */
export const recordDecision =
  (deps: ActivityDeps) =>
  async (d: DecisionToRecord): Promise<void> => {
    const { db } = deps;
    const decidedAt = new Date(d.decidedAt);
    const formData = d.services ? { services: d.services } : undefined;
    const status = statusOf[d.decision];
    let written = false;
    await db.$transaction(async (tx) => {
      const role = d.party?.role ?? (await tx.approvalRequest.findUniqueOrThrow({ where: { id: d.requestId }, select: { partyRole: true } })).partyRole;
      const { count } = await tx.approvalRequest.updateMany({
        where: { id: d.requestId, status: 'pending' },
        data: { status, comment: d.comment, decidedAt, late: d.late, formData },
      });
      if (count === 0) return;
      written = true;
      await appendAudit(tx, [
        {
          idempotencyKey: `decision:${d.requestId}`,
          applicationId: d.applicationId,
          type: d.late ? 'approval.decided-late' : 'approval.decided',
          actor: actor.party(role, d.partyEmail),
          data: { requestId: d.requestId, unitKey: d.unitKey, step: d.stepId, round: d.round, decision: d.decision, comment: d.comment, services: d.services, late: d.late },
          occurredAt: decidedAt,
        },
      ]);
    });
    const p = d.party;
    if (!p) return;
    // Written just now: the receipt says what was written. Otherwise (a retry, or a request closed first) the database says whether there is anything to confirm.
    if (written) {
      await enqueueReceipt(deps, d.applicationId, d.requestId, d.partyEmail, p.language, {
        partyName: p.name, applicationTitle: p.applicationTitle, subject: p.concerning, ask: p.ask, decision: status, decidedAt: d.decidedAt, comment: d.comment, services: d.services, late: d.late,
      });
    } else await enqueueDecisionReceipt(deps, { applicationId: d.applicationId, requestId: d.requestId });
  };

/** Sends the party who decided a receipt of what was recorded, in their language, once. */
export const sendDecisionReceipt = (deps: ActivityDeps) => (receipt: { applicationId: string; requestId: string }) => enqueueDecisionReceipt(deps, receipt);

async function enqueueDecisionReceipt(deps: ActivityDeps, { applicationId, requestId }: { applicationId: string; requestId: string }): Promise<void> {
  const r = await deps.db.approvalRequest.findUniqueOrThrow({
    where: { id: requestId },
    select: {
      partyName: true, partyEmail: true, partyLanguage: true, ask: true, unitKey: true, status: true, comment: true, formData: true, late: true, decidedAt: true,
      application: { select: { title: true, units: { select: { unitKey: true, name: true } } } },
    },
  });
  if (!r.decidedAt) return; // nothing was recorded, so there is nothing to confirm
  await enqueueReceipt(deps, applicationId, requestId, r.partyEmail, r.partyLanguage as 'pl' | 'en', {
    partyName: r.partyName,
    applicationTitle: r.application.title,
    subject: r.application.units.find((u) => u.unitKey === r.unitKey)?.name ?? r.application.title,
    ask: r.ask,
    decision: r.status as 'approved',
    decidedAt: r.decidedAt.toISOString(),
    comment: r.comment,
    services: servicesOf(r.formData),
    late: r.late,
  });
}

const enqueueReceipt = (deps: ActivityDeps, applicationId: string, requestId: string, to: string, language: 'pl' | 'en', props: TemplateProps<'decision-recorded'>) =>
  enqueueEmail(deps, {
    idempotencyKey: `decision-recorded:${requestId}`,
    applicationId,
    template: 'decision-recorded',
    to,
    render: async () => renderEmail('decision-recorded', props, language),
  });
