import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { servicesOf, writeDecision, writeDecisionAtOnce } from '../../activities/record-decision';
import { parseApprovalToken, secretMatches } from '../../auth/approval-token';
import type { Db } from '../../db/prisma-client';
import type { Lang } from '../../mail/html';
import { DomainError, parseOrThrow } from '../../domain/domain-error';
import { decidedStatuses, type RecordedDecision } from '../../workflows/engine/state';
import { commentRequired } from '../../workflows/engine/verdict';
import { appointDeputyUpdate, decideUpdate, type DecideInput } from '../../workflows/messages';
import { deputyInput, deputyUntil, type DeputyInput } from '../../domain/deputy-form';
import { loadApprovalContext } from './approval-context';
import { refuseCoordinatorAsDeputy } from './deputy-rules';
import { refOf, sameVersions, type DocumentService, type RequestScope } from './documents';
import { createLinkAudit, type LinkClient, type LinkRefusal, type LinkSubject } from './link-audit';
import { updateWithin } from './temporal-connection';
import { explainUpdateFailure } from './temporal-errors';
import { silentLogger, type Logger } from '../../observability/logger';

/** How long past its expiry a decided request's own link still shows the decision it recorded. */
const DECIDED_LINK_GRACE_MS = 7 * 24 * 3_600_000;

export interface ApprovalLinkView {
  tokenId: string;
  requestId: string;
  workflowId: string;
  applicationId: string;
  unitKey: string | null;
  /** The step of the definition the request belongs to. */
  stepId: string;
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
  /** When the link is a deputy's: the deputy, who decides on behalf of the party. */
  deputy: { name: string; email: string } | null;
  /** Whom the link was issued to: the party (as they were then) or the deputy. */
  holderEmail: string;
}

const decisionForm = z
  .object({
    decision: z.enum(['approve', 'reject', 'request-changes', 'declare', 'decline'], { message: 'Press one of the decision buttons.' }),
    comment: z.string().trim().max(4000, 'The comment may be at most 4000 characters.').optional(),
    services: z.array(z.string()).max(100).optional(),
    /** The document versions the page showed, comma-separated: the decision is made on exactly those. */
    documents: z.string().max(8000).optional(),
  })
  .refine((f) => !commentRequired(f.decision) || !!f.comment, { path: ['comment'], message: 'A comment is required when you reject or request changes.' })
  .refine((f) => f.decision !== 'declare' || (f.services?.length ?? 0) > 0, { path: ['services'], message: 'Choose at least one service to declare, or decline.' });

export type DecisionResult =
  | { outcome: 'recorded'; decision: RecordedDecision; view: ApprovalLinkView }
  | { outcome: 'already-recorded'; view: ApprovalLinkView }
  /** Accepted by the workflow but not yet written (a slow or restarting worker): it will be, once. */
  | { outcome: 'being-recorded'; view: ApprovalLinkView };

/** Which documents a request's party sees. */
const scopeOf = (view: ApprovalLinkView): RequestScope => ({ applicationId: view.applicationId, unitKey: view.unitKey, stepId: view.stepId });

/** How a form's unknown service codes are named in its problem (the page says it in the party's language). */
export const UNKNOWN_SERVICES = 'Unknown services: ';

/** How long an approver's POST waits for an accepted decision to be written before the page says it is on its way. */
const DECISION_RESULT_MS = 4_000;

interface LinkRow {
  secretHash: string;
  holderName: string | null;
  holderEmail: string;
  onBehalf: boolean;
  expiresAt: Date;
  revokedAt: Date | null;
  id: string;
  workflowId: string;
  applicationId: string;
  unitKey: string | null;
  step: string;
  kind: string;
  ask: string;
  round: number;
  partyName: string;
  partyRole: string;
  partyEmail: string;
  partyLanguage: string;
  deadline: Date;
  acceptsLate: boolean;
  status: string;
  comment: string | null;
  formData: unknown;
  decidedAt: Date | null;
  late: boolean;
  closedReason: string | null;
  applicationTitle: string;
  unitName: string | null;
  catalogue: Array<{ code: string; name: string }> | null;
}

/** What a presented link resolves to: its request's view, or why it is refused (and, when its id was found, whose it is). */
type Inspection = { view: ApprovalLinkView; subject: LinkSubject } | { error: DomainError; refused?: LinkRefusal };

/** Why a link or a decision made with it is refused: what its page says, in the reader's language. */
export type RefusedBecause =
  | { kind: 'unknown' }
  | { kind: 'invalid' }
  | { kind: 'replaced' }
  | { kind: 'expired'; at: Date }
  | { kind: 'closed'; status: string | null }
  | { kind: 'deadline-passed'; at: Date }
  | { kind: 'no-document' }
  | { kind: 'reassigned' }
  | { kind: 'other' };

/**
 * A refused link, or a decision refused on it. `language` is its party's, once the link proved
 * to be theirs (its secret matched); the page speaks it unless the reader chose another.
 */
export class LinkError extends DomainError {
  constructor(
    code: DomainError['code'],
    message: string,
    readonly because: RefusedBecause,
    readonly language: Lang | null = null,
  ) {
    super(code, message);
    this.name = 'LinkError';
  }
}

const closedRequest = (language: Lang | null = null) => new LinkError('REQUEST_CLOSED', 'This request is closed and no longer accepts decisions.', { kind: 'closed', status: null }, language);
const unknownLink = () => new LinkError('LINK_UNKNOWN', 'This approval link is not valid. Check that it was copied whole.', { kind: 'unknown' });

/**
 * Approval links: reading what is asked (no effect on the request) and recording a decision (an
 * update). Opening a link and every refusal of one are recorded in the audit trail.
 */
export function createApprovalService({ db, temporal, clock, documents, logger = silentLogger }: { db: Db; temporal: Client; clock: () => Date; documents: DocumentService; logger?: Logger }) {
  const linkAudit = createLinkAudit({ db, clock, logger });

  /** Resolves a presented token to its request, or to the reason it cannot be used. */
  async function inspect(token: string): Promise<Inspection> {
    const parsed = parseApprovalToken(token);
    if (!parsed) return { error: unknownLink() };
    // One statement on every approval page and decision (the hot path): Prisma would load each relation with a query of its own.
    const [row] = await db.$queryRaw<LinkRow[]>`
      SELECT t."secretHash", t."expiresAt", t."revokedAt", t."holderName", t."approverEmail" AS "holderEmail", t."onBehalf",
             r."id", r."workflowId", r."applicationId", r."unitKey", r."step", r."kind", r."ask", r."round", r."partyName", r."partyRole", r."partyEmail", r."partyLanguage",
             r."deadline", r."acceptsLate", r."status", r."comment", r."formData", r."decidedAt", r."late", r."closedReason",
             a."title" AS "applicationTitle", u."name" AS "unitName",
             CASE WHEN a."variant" = 'dedicated-zit-allocation' THEN a."input" -> 'serviceCatalogue' END AS "catalogue"
      FROM "ApprovalToken" t
      JOIN "ApprovalRequest" r ON r."id" = t."approvalRequestId"
      JOIN "Application" a ON a."id" = r."applicationId"
      LEFT JOIN "ApplicationUnit" u ON u."applicationId" = r."applicationId" AND u."unitKey" = r."unitKey"
      WHERE t."id" = ${parsed.id}`;
    // An id nobody was given has no application to record it in (guessing is rate-limited).
    if (!row) return { error: unknownLink() };
    const r = row;
    const subject: LinkSubject = { applicationId: r.applicationId, requestId: r.id, tokenId: parsed.id, partyRole: r.partyRole, partyEmail: r.partyEmail };
    if (!secretMatches(parsed.secret, row.secretHash)) return { error: new LinkError('LINK_INVALID', 'This approval link is not valid.', { kind: 'invalid' }), refused: { ...subject, reason: 'secret-mismatch' } };
    const language: Lang = r.partyLanguage === 'en' ? 'en' : 'pl';
    // Revoked because the request passed to another person: said so, not "a newer link was sent".
    if (row.revokedAt && !row.onBehalf && row.holderEmail.toLowerCase() !== r.partyEmail.toLowerCase()) {
      return {
        error: new LinkError('LINK_EXPIRED', 'This request was passed to another person; this link no longer works.', { kind: 'reassigned' }, language),
        refused: { ...subject, partyEmail: row.holderEmail, reason: 'link-replaced' },
      };
    }
    if (row.revokedAt) {
      return {
        error: new LinkError('LINK_EXPIRED', 'This approval link is no longer valid: a newer link was sent for the same request.', { kind: 'replaced' }, language),
        refused: { ...subject, reason: 'link-replaced' },
      };
    }
    // Why the request closed (deadline, withdrawal, removal) tells the approver more than the link's expiry.
    if (r.status !== 'pending' && !decidedStatuses.includes(r.status)) {
      return {
        error: new LinkError('REQUEST_CLOSED', r.closedReason ?? 'This request is closed and no longer accepts decisions.', { kind: 'closed', status: r.status }, language),
        refused: { ...subject, reason: 'request-closed', requestStatus: r.status },
      };
    }
    // A decided request's own link keeps showing the decision for a week past its expiry: a click
    // repeated after the deadline (say, after an outage page) is answered 409 with the decision, not "expired".
    const readableUntil = decidedStatuses.includes(r.status) ? row.expiresAt.getTime() + DECIDED_LINK_GRACE_MS : row.expiresAt.getTime();
    if (readableUntil <= clock().getTime()) {
      return { error: new LinkError('LINK_EXPIRED', `This approval link expired on ${row.expiresAt.toISOString()}.`, { kind: 'expired', at: row.expiresAt }, language), refused: { ...subject, reason: 'link-expired' } };
    }
    const view: ApprovalLinkView = {
      tokenId: parsed.id,
      requestId: r.id,
      workflowId: r.workflowId,
      applicationId: r.applicationId,
      unitKey: r.unitKey,
      stepId: r.step,
      applicationTitle: r.applicationTitle,
      concerning: r.unitName ?? r.applicationTitle,
      kind: r.kind as ApprovalLinkView['kind'],
      ask: r.ask,
      partyName: r.partyName,
      partyRole: r.partyRole,
      partyLanguage: language,
      round: r.round,
      deadline: r.deadline,
      acceptsLate: r.acceptsLate,
      status: r.status,
      comment: r.comment,
      services: servicesOf(r.formData),
      decidedAt: r.decidedAt,
      late: r.late,
      catalogue: r.catalogue ?? [],
      deputy: r.onBehalf ? { name: r.holderName ?? r.holderEmail, email: r.holderEmail } : null,
      holderEmail: r.holderEmail,
    };
    return { view, subject };
  }

  /** Resolves a presented token to its request, or throws the reason it cannot be used. Records nothing. */
  async function openLink(token: string): Promise<ApprovalLinkView> {
    const found = await inspect(token);
    if ('error' in found) throw found.error;
    return found.view;
  }

  /**
   * What a person opening the link sees. With `client` (a GET), the open is recorded as
   * 'link.opened', or the refusal as 'link.refused'; without it (a HEAD) nothing is recorded.
   * Either way the request itself is left as it is.
   */
  async function showLink(token: string, client: LinkClient | null): Promise<ApprovalLinkView> {
    const found = await inspect(token);
    if ('error' in found) {
      if (client && found.refused) await linkAudit.refused(found.refused, client, 'open');
      throw found.error;
    }
    if (client) await linkAudit.opened(found.subject, client);
    return found.view;
  }

  /** The decision recorded on a request, once there is one: only the fields a decision writes. */
  async function recordedDecision(requestId: string): Promise<Pick<ApprovalLinkView, 'status' | 'comment' | 'services' | 'decidedAt' | 'late'> | null> {
    const r = await db.approvalRequest.findUnique({ where: { id: requestId }, select: { status: true, comment: true, formData: true, decidedAt: true, late: true } });
    if (!r || !decidedStatuses.includes(r.status)) return null;
    return { status: r.status, comment: r.comment, services: servicesOf(r.formData), decidedAt: r.decidedAt, late: r.late };
  }

  /**
   * Writes the decision the workflow answered with, within `withinMs`, so the approver who reloads
   * the page sees it: 'written' by this call, 'not-written' (there already, from the workflow, or
   * the request closed first), or 'failed' (the page then says it is being recorded). The
   * workflow records it as well (engine/decision-inbox.ts), so a failure here loses nothing.
   */
  async function writeAnswered(view: ApprovalLinkView, decision: RecordedDecision, withinMs: number): Promise<'written' | 'not-written' | 'failed'> {
    const d = { applicationId: view.applicationId, unitKey: view.unitKey, ...decision };
    // At once when the row is free (almost always); behind whoever holds it otherwise, within the time left.
    const write = async () => {
      const atOnce = await writeDecisionAtOnce(db, d, view.partyRole);
      if (atOnce !== 'locked') return atOnce === 'written';
      return writeDecision(db, d, view.partyRole, { lockTimeoutMs: Math.max(withinMs, 500) });
    };
    return write().then(
      (written) => (written ? 'written' : 'not-written'),
      (error: Error) => {
        logger.warn({ applicationId: view.applicationId, workflowId: view.workflowId, approvalRequestId: view.requestId, reason: error.message.split('\n')[0] }, 'the server could not write a decision (its workflow holds it and records it)');
        return 'failed';
      },
    );
  }

  /** Records a decision made with the link; a refused one (a wrong, dead or late link) is recorded as 'link.refused'. */
  async function decide(token: string, form: unknown, client: LinkClient): Promise<DecisionResult> {
    // Stamped on arrival: the workflow judges lateness by it, not by when it gets to the decision.
    const receivedAt = clock().toISOString();
    const found = await inspect(token);
    if ('error' in found) {
      if (found.refused) await linkAudit.refused(found.refused, client, 'decide');
      throw found.error;
    }
    const { view, subject } = found;
    if (view.status !== 'pending') return { outcome: 'already-recorded', view };
    const { decision, comment, services, documents: shown } = parseOrThrow(decisionForm, form, 'The decision is incomplete');
    const unknown = decision === 'declare' ? (services ?? []).filter((code) => !view.catalogue.some((s) => s.code === code)) : [];
    if (unknown.length) throw new DomainError('VALIDATION', 'The decision is incomplete', [{ path: 'services', message: `${UNKNOWN_SERVICES}${unknown.join(', ')}` }]);
    // A decision is made on the documents the page showed: if one changed since, the party looks again.
    const current = await documents.currentFor(scopeOf(view));
    if (!sameVersions(shown ? shown.split(',').filter(Boolean) : [], current)) {
      throw new DomainError('CONFLICT', 'The documents changed since the page was opened; read the current versions and decide again.', [{ path: 'documents', message: 'changed since the page was opened' }]);
    }
    const started = Date.now();
    let answer: Awaited<ReturnType<typeof updateWithin<RecordedDecision, [DecideInput]>>>;
    try {
      // Through which link and from which address: kept with the decision, for the evidence.
      const via = { tokenId: view.tokenId, address: client.address, userAgent: client.userAgent?.slice(0, 300) ?? null, holderEmail: view.holderEmail, ...(view.deputy ? { deputy: view.deputy } : {}) };
      const decided: DecideInput = { requestId: view.requestId, decision, comment, services, receivedAt, via, ...(current.length ? { documents: current.map(refOf) } : {}) };
      answer = await updateWithin(temporal.workflow.getHandle(view.workflowId), decideUpdate, [decided], DECISION_RESULT_MS);
    } catch (error) {
      return answerRefusal(explainUpdateFailure(error, closedRequest()), view, subject, client);
    }
    if (!answer.settled) return { outcome: 'being-recorded', view };
    const written = await writeAnswered(view, answer.result, DECISION_RESULT_MS - (Date.now() - started));
    if (written === 'failed') return { outcome: 'being-recorded', view };
    if (written === 'not-written' && !(await recordedDecision(view.requestId))) {
      // Taken by the workflow, but the request closed before it was stored (the unit removed, the application withdrawn).
      const now = await inspect(token);
      await linkAudit.refused({ ...subject, reason: 'request-closed' }, client, 'decide');
      throw 'error' in now ? now.error : closedRequest(view.partyLanguage);
    }
    return { outcome: 'recorded', decision: answer.result, view };
  }

  /** The answer to a decision the workflow refused or could not take. */
  async function answerRefusal(refusal: DomainError, view: ApprovalLinkView, subject: LinkSubject, client: LinkClient): Promise<DecisionResult> {
    // A concurrent click won (its decision is written within moments), and may since have closed
    // the step or ended the workflow: whatever the refusal, a recorded decision is shown, as for any repeat.
    // A click the workflow could not take (UNAVAILABLE) may also have lost to one it took.
    if (refusal.code === 'ALREADY_DECIDED' || refusal.code === 'REQUEST_CLOSED' || refusal.code === 'UNAVAILABLE') {
      const until = Date.now() + (refusal.code === 'ALREADY_DECIDED' ? DECISION_RESULT_MS : 0);
      for (;;) {
        const decided = await recordedDecision(view.requestId).catch(() => null);
        if (decided) return { outcome: 'already-recorded', view: { ...view, ...decided } };
        if (Date.now() >= until) break;
        await sleep(200);
      }
      // Still being written (a slow or restarting worker): the same answer the winning click got.
      if (refusal.code === 'ALREADY_DECIDED') return { outcome: 'being-recorded', view };
    }
    // Closed by the workflow (a withdrawal, a removal racing the click): why, once the database has it too.
    const closed = refusal.code === 'REQUEST_CLOSED' ? await db.approvalRequest.findUnique({ where: { id: view.requestId }, select: { status: true, closedReason: true } }).catch(() => null) : null;
    const closedStatus = closed && closed.status !== 'pending' ? closed.status : null;
    if (refusal.code === 'DEADLINE_PASSED' || refusal.code === 'REQUEST_CLOSED') {
      await linkAudit.refused({ ...subject, reason: refusal.code === 'DEADLINE_PASSED' ? 'deadline-passed' : 'request-closed', ...(closedStatus ? { requestStatus: closedStatus } : {}) }, client, 'decide');
    }
    // Bad input goes back to the form; outages to the outage page.
    if (refusal instanceof LinkError || refusal.code === 'UNAVAILABLE' || refusal.code === 'VALIDATION') throw refusal;
    const because: RefusedBecause =
      refusal.code === 'DEADLINE_PASSED' ? { kind: 'deadline-passed', at: view.deadline } : refusal.code === 'REQUEST_CLOSED' ? { kind: 'closed', status: closedStatus } : { kind: 'other' };
    throw new LinkError(refusal.code, (closedStatus && closed?.closedReason) || refusal.message, because, view.partyLanguage);
  }

  /** What the approver's page shows beside the request (GET only: never on the decision's path). */
  const context = (view: ApprovalLinkView) => loadApprovalContext(db, documents, view);

  /**
   * A document the link's party sees, any version of it, for download: the link must be usable as
   * for opening the page (a refusal is recorded as one); the download is recorded, nothing else changes.
   */
  async function download(token: string, versionId: string, client: LinkClient | null) {
    const found = await inspect(token);
    if ('error' in found) {
      if (client && found.refused) await linkAudit.refused(found.refused, client, 'open');
      throw found.error;
    }
    const opened = await documents.openFor(scopeOf(found.view), versionId);
    if (!opened) throw new LinkError('NOT_FOUND', 'This link has no such document.', { kind: 'no-document' }, found.view.partyLanguage);
    if (client) await linkAudit.downloaded(found.subject, client, opened.version);
    return opened;
  }

  /**
   * The party names a deputy through their own link (a deputy cannot name another): the deputy gets
   * a link of their own by email, and this link keeps working. Refusals as for a decision.
   */
  async function nameDeputy(token: string, form: unknown, client: LinkClient): Promise<{ view: ApprovalLinkView; deputy: DeputyInput }> {
    const found = await inspect(token);
    if ('error' in found) {
      if (found.refused) await linkAudit.refused(found.refused, client, 'decide');
      throw found.error;
    }
    const { view } = found;
    if (view.deputy) throw new DomainError('FORBIDDEN', 'A deputy cannot name a deputy of their own; the party can.');
    if (view.status !== 'pending') throw new LinkError('ALREADY_DECIDED', 'A decision was already recorded for this request.', { kind: 'other' }, view.partyLanguage);
    const deputy = parseOrThrow(deputyInput, form, 'The deputy is incomplete');
    const until = deputyUntil(deputy.until);
    if (until && Date.parse(until) <= clock().getTime()) throw new DomainError('VALIDATION', 'The deputy is incomplete', [{ path: 'until', message: 'must be in the future' }]);
    await refuseCoordinatorAsDeputy(db, view.applicationId, deputy.email);
    try {
      await updateWithin(temporal.workflow.getHandle(view.workflowId), appointDeputyUpdate, [{ requestId: view.requestId, deputy: { name: deputy.name, email: deputy.email, language: deputy.language, until } }], DECISION_RESULT_MS);
    } catch (error) {
      throw explainUpdateFailure(error, closedRequest(view.partyLanguage));
    }
    return { view, deputy };
  }

  return { openLink, showLink, decide, context, download, nameDeputy };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
