import { DomainError, isDomainError } from '../../domain/domain-error';
import type { ApprovalService } from '../services/approvals';
import { readForm } from './body';
import { approvalPage, decisionAcceptedPage, recordedPage } from './pages/approval-page';
import { messagePage } from './pages/layout';
import { sendPage, statusOf } from './respond';
import type { createRouter } from './router';

const linkTitles: Partial<Record<DomainError['code'], string>> = {
  LINK_UNKNOWN: 'Unknown link',
  LINK_INVALID: 'Invalid link',
  LINK_EXPIRED: 'Link expired',
  REQUEST_CLOSED: 'Request closed',
  DEADLINE_PASSED: 'Deadline passed',
};

/** The approver's pages: GET shows the request (no effect), POST records a decision. */
export function addApprovalRoutes(router: ReturnType<typeof createRouter>, approvals: ApprovalService): void {
  router.get('/approvals/:token', async (_req, res, { token }) => {
    try {
      sendPage(res, 200, approvalPage(await approvals.openLink(token!)));
    } catch (error) {
      sendLinkError(res, error);
    }
  });

  router.post('/approvals/:token', async (req, res, { token }) => {
    let form: Record<string, string | string[]> = {};
    try {
      form = await readForm(req, ['services']);
      const result = await approvals.decide(token!, form);
      if (result.outcome === 'already-recorded') sendPage(res, 409, recordedPage(result.view));
      else sendPage(res, 200, decisionAcceptedPage(result.view, result.decision));
    } catch (error) {
      if (isDomainError(error) && error.code === 'VALIDATION') {
        // Show the form again with the reason, keeping what the approver typed.
        const view = await approvals.openLink(token!).catch(() => null);
        if (view) return sendPage(res, 400, approvalPage(view, error.problems[0]?.message ?? error.message, { comment: String(form.comment ?? '') }));
      }
      sendLinkError(res, error);
    }
  });
}

function sendLinkError(res: Parameters<typeof sendPage>[0], error: unknown): void {
  if (!isDomainError(error)) throw error;
  sendPage(res, statusOf[error.code], messagePage(linkTitles[error.code] ?? 'Cannot record the decision', error.message));
}
