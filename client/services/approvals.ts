import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { parseApprovalToken, secretMatches } from '../../auth/approval-token';
import type { Db } from '../../db/prisma-client';
import type { Lang } from '../../mail/html';
import type { ApplicationInput } from '../../domain/application-input';
import { DomainError, parseOrThrow } from '../../domain/domain-error';
import type { RecordedDecision } from '../../workflows/engine/state';
import { commentRequired } from '../../workflows/engine/verdict';
import { decideUpdate } from '../../workflows/messages';
import { updateWithin } from './temporal-connection';
import { explainUpdateFailure } from './temporal-errors';

export interface ApprovalLinkView {
  tokenId: string;
  requestId: string;
  workflowId: string;
  applicationId: string;
  applicationTitle: string;
  concerning: string;
  kind: 'sign-off' | 'declaration';
  ask: string;
  partyName: string;
  partyRole: string;
  partyLanguage: Lang;
  round: number;
  deadline: Date;
  acceptsLate: boolean;
  status: string;
  comment: string | null;
  services: string[] | null;
  decidedAt: Date | null;
  late: boolean;
  /** What a declaration may choose from. */
  catalogue: Array<{ code: string; name: string }>;
}

/** Decided requests show their decision; closed ones explain why they no longer accept one. */
const decidedStatuses = ['approved', 'rejected', 'changes-requested', 'declared', 'declined'];

const decisionForm = z
  .object({
    decision: z.enum(['approve', 'reject', 'request-changes', 'declare', 'decline'], { message: 'Press one of the decision buttons.' }),
    comment: z.string().trim().max(4000, 'The comment may be at most 4000 characters.').optional(),
    services: z.array(z.string()).max(100).optional(),
  })
  .refine((f) => !commentRequired(f.decision) || !!f.comment, { path: ['comment'], message: 'A comment is required when you reject or request changes.' })
  .refine((f) => f.decision !== 'declare' || (f.services?.length ?? 0) > 0, { path: ['services'], message: 'Choose at least one service to declare, or decline.' });

export type DecisionResult =
  | { outcome: 'recorded'; decision: RecordedDecision; view: ApprovalLinkView }
  | { outcome: 'already-recorded'; view: ApprovalLinkView }
  /** Accepted by the workflow but not yet written (a slow or restarting worker): it will be, once. */
  | { outcome: 'being-recorded'; view: ApprovalLinkView };

/** How long an approver's POST waits for an accepted decision to be written before the page says it is on its way. */
const DECISION_RESULT_MS = 4_000;

/** Approval links: reading what is asked (no effect) and recording a decision (an update). */
export function createApprovalService({ db, temporal, clock }: { db: Db; temporal: Client; clock: () => Date }) {
  /** Resolves a presented token to its request, or throws the reason it cannot be used. */
  async function openLink(token: string): Promise<ApprovalLinkView> {
    const parsed = parseApprovalToken(token);
    if (!parsed) throw new DomainError('LINK_UNKNOWN', 'This approval link is not valid. Check that it was copied whole.');
    const row = await db.approvalToken.findUnique({
      where: { id: parsed.id },
      select: {
        secretHash: true,
        expiresAt: true,
        revokedAt: true,
        request: {
          select: {
            id: true, workflowId: true, applicationId: true, unitKey: true, kind: true, ask: true, round: true, partyName: true, partyRole: true, partyLanguage: true,
            deadline: true, acceptsLate: true, status: true, comment: true, formData: true, decidedAt: true, late: true, closedReason: true,
            application: { select: { title: true, input: true, units: { select: { unitKey: true, name: true } } } },
          },
        },
      },
    });
    if (!row) throw new DomainError('LINK_UNKNOWN', 'This approval link is not valid. Check that it was copied whole.');
    if (!secretMatches(parsed.secret, row.secretHash)) throw new DomainError('LINK_INVALID', 'This approval link is not valid.');
    if (row.revokedAt) throw new DomainError('LINK_EXPIRED', 'This approval link is no longer valid: a newer link was sent for the same request.');
    const r = row.request;
    // Why the request closed (deadline, withdrawal, removal) tells the approver more than the link's expiry.
    if (r.status !== 'pending' && !decidedStatuses.includes(r.status)) {
      throw new DomainError('REQUEST_CLOSED', r.closedReason ?? 'This request is closed and no longer accepts decisions.');
    }
    if (row.expiresAt <= clock()) throw new DomainError('LINK_EXPIRED', `This approval link expired on ${row.expiresAt.toISOString()}.`);
    const input = r.application.input as unknown as ApplicationInput;
    return {
      tokenId: parsed.id,
      requestId: r.id,
      workflowId: r.workflowId,
      applicationId: r.applicationId,
      applicationTitle: r.application.title,
      concerning: r.application.units.find((u) => u.unitKey === r.unitKey)?.name ?? r.application.title,
      kind: r.kind as ApprovalLinkView['kind'],
      ask: r.ask,
      partyName: r.partyName,
      partyRole: r.partyRole,
      partyLanguage: r.partyLanguage === 'en' ? 'en' : 'pl',
      round: r.round,
      deadline: r.deadline,
      acceptsLate: r.acceptsLate,
      status: r.status,
      comment: r.comment,
      services: (r.formData as { services?: string[] } | null)?.services ?? null,
      decidedAt: r.decidedAt,
      late: r.late,
      catalogue: input.variant === 'dedicated-zit-allocation' ? input.serviceCatalogue : [],
    };
  }

  async function decide(token: string, form: unknown): Promise<DecisionResult> {
    // Stamped on arrival: the workflow judges lateness by it, not by when it gets to the decision.
    const receivedAt = clock().toISOString();
    const view = await openLink(token);
    if (view.status !== 'pending') return { outcome: 'already-recorded', view };
    const { decision, comment, services } = parseOrThrow(decisionForm, form, 'The decision is incomplete');
    try {
      const answer = await updateWithin(temporal.workflow.getHandle(view.workflowId), decideUpdate, [{ requestId: view.requestId, decision, comment, services, receivedAt }], DECISION_RESULT_MS);
      return answer.settled ? { outcome: 'recorded', decision: answer.result, view } : { outcome: 'being-recorded', view };
    } catch (error) {
      const refusal = explainUpdateFailure(error, new DomainError('REQUEST_CLOSED', 'This request is closed and no longer accepts decisions.'));
      // A concurrent click won (its decision is written within moments), and may since have closed
      // the step or ended the workflow: whatever the refusal, a recorded decision is shown, as for any repeat.
      if (refusal.code === 'ALREADY_DECIDED' || refusal.code === 'REQUEST_CLOSED') {
        const until = Date.now() + (refusal.code === 'ALREADY_DECIDED' ? DECISION_RESULT_MS : 0);
        for (;;) {
          const now = await openLink(token).catch(() => null);
          if (now && decidedStatuses.includes(now.status)) return { outcome: 'already-recorded', view: now };
          if (Date.now() >= until) break;
          await sleep(200);
        }
        // Still being written (a slow or restarting worker): the same answer the winning click got.
        if (refusal.code === 'ALREADY_DECIDED') return { outcome: 'being-recorded', view };
      }
      throw refusal;
    }
  }

  return { openLink, decide };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
