import type { DraftPreview } from '../services/drafts';
import { formatShortMoment } from '../../mail/html';
// Plain-text renderings of API answers for people at a terminal (`--json` prints them raw).

interface StepView {
  stepId: string;
  status: string;
  deadline: string;
  parties: Array<{ email: string; status: string }>;
}
interface BranchView {
  status: string;
  round: number;
  current: StepView | null;
}

function describeBranch(b: BranchView): string {
  const pending = b.current?.parties.filter((p) => p.status === 'pending').map((p) => p.email) ?? [];
  const waiting = b.current && pending.length ? `, waiting for ${pending.join(', ')} (${b.current.stepId}) until ${b.current.deadline}` : '';
  return `${b.status} (round ${b.round})${waiting}`;
}

export function formatStatus(app: any): string {
  const lines = [`${app.id}  ${app.status}`];
  if (app.record) lines.push(`  ${app.record.title} (${app.record.variant} v${app.record.definitionVersion})`);
  if (app.workflow) lines.push(`  workflow ${app.workflow.status}, started ${app.workflow.startTime}`);
  if (app.liveUnavailable) lines.push(`  (${app.liveUnavailable})`);
  if (app.state?.stage) lines.push(`  stage: ${app.state.stage.name}`);
  if (app.state?.steps?.current || app.state?.steps?.status === 'changes-requested') lines.push(`  - application: ${describeBranch(app.state.steps)}`);
  for (const u of app.state?.units ?? []) lines.push(`  - ${u.unitKey}: ${describeBranch(u)}`);
  return lines.join('\n');
}

export function formatHistory(history: any): string {
  const lines = [`Audit trail of ${history.id}:`];
  for (const a of history.audit) lines.push(`  ${a.occurredAt}  ${a.type.padEnd(22)} ${a.actor}  ${JSON.stringify(a.data)}`);
  for (const w of history.workflows) {
    lines.push(`Temporal history of ${w.workflowId}:`);
    for (const e of w.events) lines.push(`  ${String(e.eventId).padStart(4)}  ${e.eventTime}  ${e.eventType}`);
  }
  return lines.join('\n');
}

/** A draft's preview: what stops it, or who is asked what and by when (Warsaw time), with the reminders. */
export function formatPreview(id: string, p: DraftPreview): string {
  if (!p.valid) return [`Draft ${id} cannot be sent yet:`, ...p.problems.map((x) => `  ${x.path}: ${x.message}`)].join('\n');
  const when = (iso: string) => formatShortMoment(iso, 'en');
  const lines = [`Draft ${id} is complete; sending it asks:`];
  for (const stage of p.stages) {
    lines.push(`  ${stage.stageId}`);
    for (const s of stage.steps) {
      const moved = s.effectiveDeadline !== s.deadline ? ` (moved from ${when(s.deadline)})` : '';
      lines.push(`    ${s.stepId}${s.unitKey ? ` [${s.unitKey}]` : ''}: ${s.parties.map((x) => `${x.name} <${x.email}>`).join(', ')}`);
      lines.push(`      by ${when(s.effectiveDeadline)}${moved}; reminders ${s.reminders.map(when).join(', ') || 'none'}`);
    }
  }
  return lines.join('\n');
}
