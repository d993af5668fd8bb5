import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { parseApprovalToken, secretMatches } from '../../auth/approval-token';
import type { Db } from '../../db/prisma-client';
import { parseOrThrow } from '../../domain/application-input';
import { DomainError } from '../../domain/domain-error';
import { decideUpdate, type RecordedDecision } from '../../workflows/messages';
import { commentRequired, decisions, stepDescription, type UnitStep } from '../../workflows/unit-transitions';
import { explainUpdateFailure } from './temporal-errors';

export interface ApprovalLinkView {
  tokenId: string;
  requestId: string;
  workflowId: string;
  applicationId: string;
  applicationTitle: string;
  unitName: string;
  what: string;
  partyName: string;
  partyRole: string;
  step: UnitStep;
  round: number;
  deadline: Date;
  status: string;
  comment: string | null;
  decidedAt: Date | null;
}

export const decisionForm = z
  .object({
    decision: z.enum(decisions, { message: 'Choose approve, reject or request changes.' }),
    comment: z.string().trim().max(4000, 'The comment may be at most 4000 characters.').optional(),
  })
  .refine((f) => !commentRequired(f.decision) || !!f.comment, {
    path: ['comment'],
    message: 'A comment is required when you reject or request changes.',
  });
export type DecisionForm = z.infer<typeof decisionForm>;

export type DecisionResult =
  | { outcome: 'recorded'; decision: RecordedDecision }
  | { outcome: 'already-recorded'; view: ApprovalLinkView };

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
            id: true, workflowId: true, applicationId: true, unitKey: true, step: true, round: true, partyName: true, partyRole: true,
            deadline: true, status: true, comment: true, decidedAt: true,
            application: { select: { title: true, units: { select: { unitKey: true, name: true, projectReference: true } } } },
          },
        },
      },
    });
    if (!row) throw new DomainError('LINK_UNKNOWN', 'This approval link is not valid. Check that it was copied whole.');
    if (!secretMatches(parsed.secret, row.secretHash)) throw new DomainError('LINK_INVALID', 'This approval link is not valid.');
    if (row.revokedAt) throw new DomainError('LINK_EXPIRED', 'This approval link is no longer valid: the request was closed or a newer link was sent.');
    if (row.expiresAt <= clock()) throw new DomainError('LINK_EXPIRED', `This approval link expired on ${row.expiresAt.toISOString()}.`);
    const r = row.request;
    const unit = r.application.units.find((u) => u.unitKey === r.unitKey);
    return {
      tokenId: parsed.id,
      requestId: r.id,
      workflowId: r.workflowId,
      applicationId: r.applicationId,
      applicationTitle: r.application.title,
      unitName: unit?.name ?? r.unitKey,
      what: stepDescription(r.step as UnitStep, unit?.projectReference ?? '?'),
      partyName: r.partyName,
      partyRole: r.partyRole,
      step: r.step as UnitStep,
      round: r.round,
      deadline: r.deadline,
      status: r.status,
      comment: r.comment,
      decidedAt: r.decidedAt,
    };
  }

  async function decide(token: string, form: unknown): Promise<DecisionResult> {
    const view = await openLink(token);
    if (view.status !== 'pending') return { outcome: 'already-recorded', view };
    const { decision, comment } = parseOrThrow(decisionForm, form, 'The decision is incomplete');
    try {
      const recorded = await temporal.workflow
        .getHandle(view.workflowId)
        .executeUpdate(decideUpdate, { args: [{ requestId: view.requestId, decision, comment }] });
      return { outcome: 'recorded', decision: recorded };
    } catch (error) {
      const refusal = explainUpdateFailure(error, 'This request is closed and no longer accepts decisions.');
      // A concurrent submission won: show what it recorded, as for any repeated submission.
      if (refusal.code === 'ALREADY_DECIDED') return { outcome: 'already-recorded', view: await openLink(token) };
      throw refusal;
    }
  }

  return { openLink, decide };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
