import { escapeHtml, formatDeadline } from '../../../mail/html';
import type { RecordedDecision } from '../../../workflows/engine/state';
import type { ApprovalLinkView } from '../../services/approvals';
import { page } from './layout';

const label: Record<string, string> = {
  approved: 'Approved',
  rejected: 'Rejected',
  'changes-requested': 'Changes requested',
  declared: 'Services declared',
  declined: 'Declined',
  approve: 'Approved',
  reject: 'Rejected',
  'request-changes': 'Changes requested',
  declare: 'Services declared',
  decline: 'Declined',
};

const serviceNames = (v: ApprovalLinkView, codes: string[] | null) =>
  (codes ?? []).map((c) => v.catalogue.find((s) => s.code === c)?.name ?? c).join(', ');

function summary(v: ApprovalLinkView): string {
  const late = v.acceptsLate ? ' (decisions after it are still accepted, marked late)' : '';
  return `<dl><dt>Application</dt><dd>${escapeHtml(v.applicationTitle)}</dd>
<dt>Concerning</dt><dd>${escapeHtml(v.concerning)}</dd>
<dt>You are asked to</dt><dd>${escapeHtml(v.ask)}</dd>
<dt>Asked of</dt><dd>${escapeHtml(v.partyName)} (${escapeHtml(v.partyRole)}), round ${v.round}</dd>
<dt>Deadline</dt><dd>${escapeHtml(formatDeadline(v.deadline.toISOString()))}${late}</dd></dl>`;
}

function buttons(v: ApprovalLinkView): string {
  if (v.kind === 'declaration') {
    const boxes = v.catalogue
      .map((s) => `<label><input type="checkbox" name="services" value="${escapeHtml(s.code)}"> ${escapeHtml(s.name)}</label><br>`)
      .join('\n');
    return `<fieldset><legend>Services you want</legend>${boxes}</fieldset>
<button type="submit" name="decision" value="declare">Declare the chosen services</button>
<button type="submit" name="decision" value="decline">Decline: we want none</button>`;
  }
  return `<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="request-changes">Request changes</button>
<button type="submit" name="decision" value="reject">Reject</button>`;
}

/**
 * What an approval link shows. Opening it changes nothing; the decision is an explicit button
 * press that POSTs back to the same address (never a self-submitting form).
 */
export function approvalPage(v: ApprovalLinkView, error?: string, values: { comment?: string } = {}): string {
  if (v.status !== 'pending') return recordedPage(v);
  const form = `<form method="post">
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<label for="comment">Comment${v.kind === 'sign-off' ? ' (required to reject or request changes)' : ''}</label>
<textarea id="comment" name="comment" maxlength="4000">${escapeHtml(values.comment ?? '')}</textarea>
${buttons(v)}
</form>`;
  return page(v.kind === 'declaration' ? 'Declaration requested' : 'Sign-off requested', summary(v) + form);
}

export function recordedPage(v: ApprovalLinkView): string {
  const when = v.decidedAt ? ` on ${escapeHtml(v.decidedAt.toISOString())}${v.late ? ' (after the deadline)' : ''}` : '';
  const services = v.services ? `<p>Services: ${escapeHtml(serviceNames(v, v.services))}</p>` : '';
  const comment = v.comment ? `<p>Comment: <em>${escapeHtml(v.comment)}</em></p>` : '';
  return page('Decision already recorded', `<p><strong>${escapeHtml(label[v.status] ?? v.status)}</strong>${when}. Nothing more is needed from this link.</p>${services}${comment}${summary(v)}`);
}

export function decisionAcceptedPage(v: ApprovalLinkView, d: RecordedDecision): string {
  const services = d.services ? `<p>Services: ${escapeHtml(serviceNames(v, d.services))}</p>` : '';
  const comment = d.comment ? `<p>Comment: <em>${escapeHtml(d.comment)}</em></p>` : '';
  const late = d.late ? ' It came after the deadline and is recorded as late.' : '';
  return page('Decision recorded', `<p>Thank you. Your decision <strong>${escapeHtml(label[d.decision] ?? d.decision)}</strong> was recorded at ${escapeHtml(d.decidedAt)}.${late}</p>${services}${comment}${summary(v)}`);
}
