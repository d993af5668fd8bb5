import type { z } from 'zod';
import { applicationClosedProps, renderApplicationClosed } from './application-closed';
import { approvalRequestProps, renderApprovalRequest } from './approval-request';
import { changesRequestedProps, renderChangesRequested } from './changes-requested';
import { deadlineMissedProps, renderDeadlineMissed } from './deadline-missed';
import { reminderProps, renderReminder } from './reminder';
import { renderRequestClosed, requestClosedProps } from './request-closed';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** The catalogue of every email k2flow sends: a props schema and a pure render each. */
const catalogue = {
  'approval-request': { props: approvalRequestProps, render: renderApprovalRequest },
  'changes-requested': { props: changesRequestedProps, render: renderChangesRequested },
  'application-closed': { props: applicationClosedProps, render: renderApplicationClosed },
  'request-closed': { props: requestClosedProps, render: renderRequestClosed },
  reminder: { props: reminderProps, render: renderReminder },
  'deadline-missed': { props: deadlineMissedProps, render: renderDeadlineMissed },
} as const;

export type TemplateName = keyof typeof catalogue;
export type TemplateProps<N extends TemplateName> = z.input<(typeof catalogue)[N]['props']>;

export function renderEmail<N extends TemplateName>(name: N, props: TemplateProps<N>): RenderedEmail {
  const template = catalogue[name];
  return (template.render as (p: unknown) => RenderedEmail)(template.props.parse(props));
}
