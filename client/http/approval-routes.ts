import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, isDomainError, type FieldProblem } from '../../domain/domain-error';
import { messagesFor, type Messages } from '../../i18n/messages';
import { formatDeadline, type Lang } from '../../mail/html';
import { LinkError, UNKNOWN_SERVICES, type ApprovalService, type RefusedBecause } from '../services/approvals';
import type { LinkClient } from '../services/link-audit';
import { statusOf } from './errors';
import { approvalPage, decisionAcceptedPage, deputyNamedPage, linkErrorPage, recordedPage } from './pages/approval-page';
import { pageLanguage } from './page-language';
import { decisionBeingRecordedPage } from './pages/outage-page';
import type { HttpApp } from './server';
import { sendDocument } from './uploads';
import { linkSubject, noteSubject } from './request-log';
import { withLanguage } from './route-schemas';

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
    { config: { access: 'approval-link', rateLimit: perAddress }, schema: { summary: 'The approval page of one request (changes nothing).', tags, params: onLink, querystring: withLanguage } },
    async (request, reply) => {
      try {
        // HEAD (link checkers, prefetchers) shows the same and records nothing; GET records the open.
        const client = request.method === 'HEAD' ? null : clientOf(request);
        const view = await approvals.showLink(request.params.token, client);
        noteSubject(request, linkSubject(view));
        return sendPage(reply, 200, approvalPage(view, await approvals.context(view), pageLanguage(request, view.partyLanguage), { at: pathOf(request.params.token) }));
      } catch (error) {
        return sendLinkError(request, reply, error);
      }
    },
  );

  app.post(
    '/approvals/:token',
    {
      config: { access: 'approval-link', rateLimit: perAddress },
      bodyLimit: 32_000,
      schema: { summary: 'Record the decision made with the buttons of the approval page.', tags, params: onLink, querystring: withLanguage },
    },
    async (request, reply) => {
      const { token } = request.params;
      const form = formOf(request.body, request.headers['content-type']);
      try {
        if (!form) throw new DomainError('VALIDATION', 'Submit the decision with the form on the approval page.');
        const result = await approvals.decide(token, form, clientOf(request));
        noteSubject(request, linkSubject(result.view));
        const lang = pageLanguage(request, result.view.partyLanguage);
        if (result.outcome === 'already-recorded') return sendPage(reply, 409, recordedPage(result.view, lang, await approvals.context(result.view).catch(() => null)));
        if (result.outcome === 'being-recorded') return sendPage(reply, 202, decisionBeingRecordedPage(lang));
        app.metrics.decisionRecorded(result.decision.decision);
        return sendPage(reply, 200, decisionAcceptedPage(result.view, result.decision, lang));
      } catch (error) {
        const documentsChanged = isDomainError(error) && error.code === 'CONFLICT' && error.problems.some((p) => p.path === 'documents');
        if (isDomainError(error) && (error.code === 'VALIDATION' || documentsChanged)) {
          // Show the form again with the reason (and the documents as they are now), keeping what the approver typed.
          const view = await approvals.openLink(token).catch(() => null);
          if (view) {
            const lang = pageLanguage(request, view.partyLanguage);
            const context = await approvals.context(view).catch(() => null);
            const problem = documentsChanged ? messagesFor(lang).page.documentsChanged : formProblem(error.problems, messagesFor(lang));
            return sendPage(reply, documentsChanged ? 409 : 400, approvalPage(view, context, lang, { at: pathOf(token), error: problem, comment: String(form?.comment ?? '') }));
          }
        }
        return sendLinkError(request, reply, error);
      }
    },
  );

  app.post(
    '/approvals/:token/deputy',
    {
      config: { access: 'approval-link', rateLimit: perAddress },
      bodyLimit: 8_000,
      schema: { summary: 'The party names a deputy, who is emailed a link of their own (the form under the decision buttons).', tags, params: onLink, querystring: withLanguage },
    },
    async (request, reply) => {
      const { token } = request.params;
      const form = formOf(request.body, request.headers['content-type']);
      try {
        if (!form) throw new DomainError('VALIDATION', 'Name the deputy with the form on the approval page.');
        const { view, deputy } = await approvals.nameDeputy(token, form, clientOf(request));
        noteSubject(request, linkSubject(view));
        return sendPage(reply, 200, deputyNamedPage(deputy, pageLanguage(request, view.partyLanguage)));
      } catch (error) {
        if (isDomainError(error) && error.code === 'VALIDATION') {
          // The page again with its deputy form open and what is wrong.
          const view = await approvals.openLink(token).catch(() => null);
          if (view) {
            const lang = pageLanguage(request, view.partyLanguage);
            const context = await approvals.context(view).catch(() => null);
            return sendPage(reply, 400, approvalPage(view, context, lang, { at: pathOf(token), deputyProblem: messagesFor(lang).page.deputyProblem }));
          }
        }
        return sendLinkError(request, reply, error);
      }
    },
  );

  app.get(
    '/approvals/:token/documents/:versionId',
    {
      config: { access: 'approval-link', rateLimit: perAddress },
      schema: { summary: "One of the request's documents, through the party's own link (changes nothing; the download is audited).", tags, params: onLink.extend({ versionId: z.string().max(64) }), querystring: withLanguage },
    },
    async (request, reply) => {
      try {
        // HEAD (link checkers) is answered alike and recorded as nothing.
        const { version, content } = await approvals.download(request.params.token, request.params.versionId, request.method === 'HEAD' ? null : clientOf(request));
        return sendDocument(reply, version, content);
      } catch (error) {
        return sendLinkError(request, reply, error);
      }
    },
  );
}


/** The approval page's own path (the link itself), which its document downloads hang off. */
const pathOf = (token: string) => `/approvals/${encodeURIComponent(token)}`;

/** An incomplete form's first problem, said in the page's language. */
function formProblem(problems: FieldProblem[], t: Messages): string {
  const [first] = problems;
  if (first?.path === 'decision') return t.linkError.pressButton;
  if (first?.path === 'comment') return first.message.includes('at most') ? t.linkError.commentTooLong : t.linkError.commentNeeded;
  if (first?.path === 'services') return first.message.startsWith(UNKNOWN_SERVICES) ? t.linkError.unknownServices(first.message.slice(UNKNOWN_SERVICES.length)) : t.linkError.chooseService;
  return t.linkError.useTheForm;
}

/** Why a link or a decision was refused, in the page's language. */
function refusalText(because: RefusedBecause, t: Messages, lang: Lang): string {
  switch (because.kind) {
    case 'unknown':
      return t.linkError.unknownBody;
    case 'invalid':
      return t.linkError.invalidBody;
    case 'replaced':
      return t.linkError.replacedBody;
    case 'expired':
      return t.linkError.expiredBody(formatDeadline(because.at.toISOString(), lang));
    case 'deadline-passed':
      return t.linkError.deadlinePassedBody(formatDeadline(because.at.toISOString(), lang));
    case 'closed':
      return (t.linkError.closedBecause as Record<string, string>)[because.status ?? ''] ?? t.linkError.closedBody;
    case 'reassigned':
      return t.linkError.reassignedBody;
    case 'no-document':
      return t.linkError.noDocumentBody;
    case 'other':
      return t.linkError.closedBody;
  }
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

function sendLinkError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  // Outages (the outage page, keeping what they wrote) and faults go to the server's one failure
  // handler (failure-answer.ts), which answers approvers with a page too.
  if (!isDomainError(error) || error.code === 'UNAVAILABLE') throw error;
  const lang = pageLanguage(request, error instanceof LinkError ? error.language : null);
  const t = messagesFor(lang);
  const title = (t.linkError as Record<string, unknown>)[error.code];
  const body = error instanceof LinkError ? refusalText(error.because, t, lang) : error.code === 'VALIDATION' ? formProblem(error.problems, t) : error.message;
  return sendPage(reply, statusOf[error.code], linkErrorPage(typeof title === 'string' ? title : t.linkError.other, body, lang));
}
