// Plain-text renderings of API answers for people at a terminal (`--json` prints them raw).

interface UnitView {
  unitKey: string;
  name: string;
  status: string;
  round?: number;
  openRequest?: { step: string; partyEmail: string; deadline: string } | null;
}

export function formatStatus(app: any): string {
  const lines = [`${app.id}  ${app.status}`];
  if (app.record) lines.push(`  ${app.record.title} (${app.record.variant})`);
  if (app.workflow) lines.push(`  workflow ${app.workflow.status}, started ${app.workflow.startTime}`);
  const units: UnitView[] = app.state?.units ?? app.record?.units ?? [];
  for (const u of units) {
    const waiting = u.openRequest ? `, waiting for ${u.openRequest.partyEmail} (${u.openRequest.step}) until ${u.openRequest.deadline}` : '';
    lines.push(`  - ${u.unitKey}: ${u.status}${u.round ? ` (round ${u.round})` : ''}${waiting}`);
  }
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
