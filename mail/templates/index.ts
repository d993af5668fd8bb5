import type { z } from 'zod';
import type { Lang } from '../html';
import {
  applicationClosedProps,
  changesRequestedProps,
  deadlineMissedProps,
  renderApplicationClosed,
  renderChangesRequested,
  renderDeadlineMissed,
  renderResubmissionDue,
  resubmissionDueProps,
} from './coordinator';
import {
  approvalRequestProps,
  decisionRecordedProps,
  deputyInvitationProps,
  renderDeputyInvitation,
  reminderProps,
  renderApprovalRequest,
  renderDecisionRecorded,
  renderReminder,
  renderRequestClosed,
  requestClosedProps,
} from './requests';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  attachments?: Array<{ filename: string; content: string; contentType: string }>;
}

/** The catalogue of every email k2flow sends: a props schema and a pure render per language. */
const catalogue = {
  'approval-request': { props: approvalRequestProps, render: renderApprovalRequest },
  reminder: { props: reminderProps, render: renderReminder },
  'request-closed': { props: requestClosedProps, render: renderRequestClosed },
  'decision-recorded': { props: decisionRecordedProps, render: renderDecisionRecorded },
  'deputy-invitation': { props: deputyInvitationProps, render: renderDeputyInvitation },
  'changes-requested': { props: changesRequestedProps, render: renderChangesRequested },
  'deadline-missed': { props: deadlineMissedProps, render: renderDeadlineMissed },
  'application-closed': { props: applicationClosedProps, render: renderApplicationClosed },
  'resubmission-due': { props: resubmissionDueProps, render: renderResubmissionDue },
} as const;

export type TemplateName = keyof typeof catalogue;
export type TemplateProps<N extends TemplateName> = z.input<(typeof catalogue)[N]['props']>;

/** Renders a template in the recipient's language (Polish unless they chose English). */
export function renderEmail<N extends TemplateName>(name: N, props: TemplateProps<N>, lang: Lang = 'pl'): RenderedEmail {
  const template = catalogue[name];
  return (template.render as (p: unknown, l: Lang) => RenderedEmail)(template.props.parse(props), lang);
}
