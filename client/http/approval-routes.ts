import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, isDomainError } from '../../domain/domain-error';
import type { ApprovalService } from '../services/approvals';
import type { LinkClient } from '../services/link-audit';
import { explain, RETRY_AFTER_UNAVAILABLE, statusOf } from './errors';
import { approvalPage, decisionAcceptedPage, recordedPage } from './pages/approval-page';
import { messagePage } from './pages/layout';
import { approvalOutagePage, decisionBeingRecordedPage, preferredLanguage, type OutageMoment } from './pages/outage-page';
import type { HttpApp } from './server';

const linkTitles: Partial<Record<DomainError['code'], string>> = {
  LINK_UNKNOWN: 'Unknown link',
  LINK_INVALID: 'Invalid link',
  LINK_EXPIRED: 'Link expired',
  REQUEST_CLOSED: 'Request closed',
  DEADLINE_PASSED: 'Deadline passed',
};

// Any string is looked up by its shape first (auth/approval-token.ts); this only bounds it.
const onLink = z.object({ token: z.string().max(200) });
const tags = ['approvals'];
/** A person opens their link a few times; a scanner or a guesser opens hundreds. */
const perAddress = { max: 120, timeWindow: '1 minute' };

const sendPage = (reply: FastifyReply, status: number, html: string) => reply.code(status).type('text/html; charset=utf-8').send(html);

/**
 * The approver's pages: GET shows the request (no effect on it; the open is audited), POST records a
 * decision. The link is the credential. Refused links (403, 410) are audited; unknown ones (404) are not.
 */
export function addApprovalRoutes(app: HttpApp, approvals: ApprovalService): void {
  app.get(
    '/approvals/:token',
    { config: { access: 'approval-link', rateLimit: perAddress }, schema: { summary: 'The approval page of one request (changes nothing).', tags, params: onLink } },
    async (request, reply) => {
      try {
        // HEAD (link checkers, prefetchers) shows the same and records nothing; GET records the open.
        const client = request.method === 'HEAD' ? null : clientOf(request);
        return sendPage(reply, 200, approvalPage(await approvals.showLink(request.params.token, client)));
      } catch (error) {
        return sendLinkError(request, reply, error, 'open');
      }
    },
  );

  app.post(
    '/approvals/:token',
    {
      config: { access: 'approval-link', rateLimit: perAddress },
      bodyLimit: 32_000,
      schema: { summary: 'Record the decision made with the buttons of the approval page.', tags, params: onLink },
    },
    async (request, reply) => {
      const { token } = request.params;
      const form = formOf(request.body, request.headers['content-type']);
      try {
        if (!form) throw new DomainError('VALIDATION', 'Submit the decision with the form on the approval page.');
        const result = await approvals.decide(token, form, clientOf(request));
        if (result.outcome === 'already-recorded') return sendPage(reply, 409, recordedPage(result.view));
        if (result.outcome === 'being-recorded') return sendPage(reply, 202, decisionBeingRecordedPage(result.view.partyLanguage));
        return sendPage(reply, 200, decisionAcceptedPage(result.view, result.decision));
      } catch (error) {
        if (isDomainError(error) && error.code === 'VALIDATION') {
          // Show the form again with the reason, keeping what the approver typed.
          const view = await approvals.openLink(token).catch(() => null);
          if (view) return sendPage(reply, 400, approvalPage(view, error.problems[0]?.message ?? error.message, { comment: String(form?.comment ?? '') }));
        }
        return sendLinkError(request, reply, error, 'decide', String(form?.comment ?? ''));
      }
    },
  );
}

/** Who presented a link, for the audit trail: the client address and the user agent (shortened there). */
const clientOf = (request: FastifyRequest): LinkClient => ({ address: request.ip, userAgent: request.headers['user-agent'] });

/** The urlencoded form, with the checkbox group `services` always a list; null for anything else. */
function formOf(body: unknown, contentType: string | undefined): Record<string, string | string[]> | null {
  if (!(contentType ?? '').startsWith('application/x-www-form-urlencoded') || !body || typeof body !== 'object') return null;
  const form = { ...(body as Record<string, string | string[]>) };
  const services = form.services;
  form.services = services === undefined ? [] : Array.isArray(services) ? services : [services];
  return form;
}

function sendLinkError(request: FastifyRequest, reply: FastifyReply, error: unknown, moment: OutageMoment, comment?: string) {
  // The database or Temporal is down: say in both languages that nothing was recorded (the
  // approver's own language is in the database), keeping what they wrote.
  if (explain(error)?.code === 'UNAVAILABLE') {
    const first = preferredLanguage(request.headers['accept-language']) ?? 'pl';
    void reply.header('retry-after', String(RETRY_AFTER_UNAVAILABLE));
    return sendPage(reply, 503, approvalOutagePage({ moment, first, comment }));
  }
  // Faults go to the server's error handler, which answers approvers with a page too.
  if (!isDomainError(error)) throw error;
  return sendPage(reply, statusOf[error.code], messagePage(linkTitles[error.code] ?? 'Cannot record the decision', error.message));
}
