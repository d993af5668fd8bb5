import { escapeHtml, formatDeadline } from '../../../mail/html';
import type { RecordedDecision } from '../../../workflows/messages';
import type { ApprovalLinkView } from '../../services/approvals';
import { page } from './layout';

const decisionLabel: Record<string, string> = {
  approved: 'Approved',
  rejected: 'Rejected',
  'changes-requested': 'Changes requested',
  expired: 'Expired without a decision',
  approve: 'Approved',
  reject: 'Rejected',
  'request-changes': 'Changes requested',
};

function summary(v: ApprovalLinkView): string {
  return `<dl><dt>Application</dt><dd>${escapeHtml(v.applicationTitle)}</dd>
<dt>Unit</dt><dd>${escapeHtml(v.unitName)}</dd>
<dt>You are asked to sign off</dt><dd>${escapeHtml(v.what)}</dd>
<dt>Asked of</dt><dd>${escapeHtml(v.partyName)} (${escapeHtml(v.partyRole)}), round ${v.round}</dd>
<dt>Deadline</dt><dd>${escapeHtml(formatDeadline(v.deadline.toISOString()))}</dd></dl>`;
}

/**
 * What an approval link shows. Opening it changes nothing; the decision is an explicit button
 * press that POSTs back to the same address (never a self-submitting form).
 */
export function approvalPage(v: ApprovalLinkView, error?: string, values: { comment?: string } = {}): string {
  if (v.status !== 'pending') return recordedPage(v);
  const form = `<form method="post">
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<label for="comment">Comment (required to reject or request changes)</label>
<textarea id="comment" name="comment" maxlength="4000">${escapeHtml(values.comment ?? '')}</textarea>
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="request-changes">Request changes</button>
<button type="submit" name="decision" value="reject">Reject</button>
</form>`;
  return page('Sign-off requested', summary(v) + form);
}

export function recordedPage(v: ApprovalLinkView): string {
  const when = v.decidedAt ? ` on ${escapeHtml(v.decidedAt.toISOString())}` : '';
  const comment = v.comment ? `<p>Comment: <em>${escapeHtml(v.comment)}</em></p>` : '';
  return page('Decision already recorded', `<p><strong>${escapeHtml(decisionLabel[v.status] ?? v.status)}</strong>${when}. Nothing more is needed from this link.</p>${comment}${summary(v)}`);
}

export function decisionAcceptedPage(v: ApprovalLinkView, d: RecordedDecision): string {
  const comment = d.comment ? `<p>Comment: <em>${escapeHtml(d.comment)}</em></p>` : '';
  return page('Decision recorded', `<p>Thank you. Your decision <strong>${escapeHtml(decisionLabel[d.decision])}</strong> was recorded at ${escapeHtml(d.decidedAt)}.</p>${comment}${summary(v)}`);
}
