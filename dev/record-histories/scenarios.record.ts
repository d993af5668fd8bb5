// Records the event histories that test/replay/replay.test.ts replays against current workflow
// code. Re-record only for a deliberate, versioned break; never to make a failing replay pass.
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createApplicationService } from '../../client/services/applications';
import { apiOf } from '../../test/support/api';
import { makeAllocationInput, makeCooperationInput, makeInput } from '../../test/support/application-input';
import { pdfFile } from '../../test/support/documents';
import { useHarness, type Harness } from '../../test/support/harness';
import { holdTableLock } from '../../test/support/table-lock';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

// Each recording goes into its own folder, so histories from earlier code stay and keep replaying.
const label = process.env.HISTORY_LABEL?.trim();
if (!label || !/^[a-z0-9-]+$/.test(label)) throw new Error('Set HISTORY_LABEL to a new folder name, e.g. HISTORY_LABEL=2026-12-01-reminders.');
const dir = path.resolve(import.meta.dirname, '../../test/replay/histories', label);

/** Saves the finished application's history and each of its unit workflows' histories. */
async function save(name: string, id: string): Promise<void> {
  await api.result(id);
  await mkdir(dir, { recursive: true });
  const parent = await h.temporal.workflow.getHandle(id).fetchHistory();
  const children = (parent.events ?? []).flatMap((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? []);
  for (const workflowId of [id, ...new Set(children)]) {
    const history = workflowId === id ? parent : await h.temporal.workflow.getHandle(workflowId).fetchHistory();
    const suffix = workflowId === id ? 'application' : workflowId.slice(id.length + 1).replace(/:/g, '-');
    await writeFile(path.join(dir, `${name}.${suffix}.json`), `${historyToJSON(history)}\n`);
  }
}

describe('recorded scenarios', () => {
  it('variant 1: changes requested, resubmitted, approved; a second unit rejects', async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'request-changes', 'Add the budget');
    await h.mailbox.waitFor(input.coordinator.email);
    await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, { note: 'Done' });
    await api.decide(await api.linkFor(input.units[0]!.approver.email, 2), 'approve');
    await api.decide(await api.linkFor(input.units[1]!.approver.email), 'reject', 'Not this year');
    await api.decide(await api.linkFor(input.coordinator.email), 'approve'); // the changes notice carried no link
    await save('module-in-existing-projects', id);
  });

  it('working-day calendar: deadlines moved to working days, reminders timed by the Polish calendar', async () => {
    // The harness's server counts fixed seconds; this application keeps the calendar of production.
    const applications = createApplicationService({ db: h.db, temporal: h.temporal, taskQueue: h.taskQueue, scheduleUnit: { kind: 'working-day' } });
    const input = makeInput({ units: 1 });
    const { id } = await applications.start(input, undefined, { office: 'k2', by: { userId: 'recorder', name: 'Recorder', email: 'recorder@k2flow.test', via: 'api-key', requestId: 'record-working-day' } });
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email), 'approve');
    await save('working-day-calendar', id);
  });

  it('variant 2: board majority, one declaration, promoter and final approval', async () => {
    const input = makeAllocationInput({ units: 2, boardMembers: 3 });
    const id = await api.startOk(input);
    for (const m of input.board.members.slice(0, 2)) await api.decide(await api.linkFor(m.email), 'approve');
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'declare', undefined, ['internships']);
    await api.decide(await api.linkFor(input.units[1]!.approver.email), 'decline');
    await api.decide(await api.linkFor(input.promoter.email), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email), 'approve');
    await save('dedicated-zit-allocation', id);
  });

  it('variant 3: an agreement signed by all three parties', async () => {
    const input = makeCooperationInput({ units: 1 });
    const id = await api.startOk(input);
    for (const email of [input.units[0]!.approver.email, input.partners.ksse.email, input.partners.landster.email]) {
      await api.decide(await api.linkFor(email), 'approve');
    }
    await save('individual-cooperation', id);
  });

  it('deadlines: two board members miss the deadline, the coordinator goes on without them', async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 3, boardWithinSeconds: 3 });
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(input.board.members[0]!.email), 'approve');
    await api.mail(input.coordinator.email, /^Deadline missed/);
    await api.postJson(`/api/applications/${id}/proceed`, {});
    await save('proceed-without-missing', id); // rejected: one approval of three is no majority
  });

  it('reopened steps: resubmitted with a new deadline, then sent back again from the review', async () => {
    const input = makeInput({ units: 1 });
    const approver = input.units[0]!.approver.email;
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(approver), 'request-changes', 'Add the budget');
    await h.mailbox.waitFor(input.coordinator.email);
    await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, { note: 'Done', deadline: new Date(Date.now() + 600_000).toISOString() });
    await api.decide(await api.linkFor(approver, 2), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email), 'request-changes', 'Name the partner');
    await api.decide(await api.linkFor(approver, 3), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email, 2), 'approve');
    await save('reopened-steps', id);
  });

  it('people: a deputy decides for a board member, another member and a director are replaced', async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 3 });
    const id = await api.startOk(input);
    const [first, second] = input.board.members;
    await fetch(`${await api.linkFor(first!.email)}/deputy`, { method: 'POST', body: new URLSearchParams({ name: 'Deputy', email: `deputy-${first!.email}` }) });
    await api.decide(await api.linkFor(`deputy-${first!.email}`), 'approve');
    await api.postJson(`/api/applications/${id}/people/replace`, { email: second!.email, person: { name: 'Successor', email: `successor-${second!.email}` } });
    await api.decide(await api.linkFor(`successor-${second!.email}`), 'approve');
    const director = input.units[0]!.approver.email;
    await api.linkFor(director);
    await api.postJson(`/api/applications/${id}/people/replace`, { email: director, person: { name: 'New Director', email: `new-${director}` } });
    await api.decide(await api.linkFor(`new-${director}`), 'declare', undefined, ['internships']);
    await api.decide(await api.linkFor(input.promoter.email), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email), 'approve');
    await save('people', id);
  });

  it('documents: decided on, then a new version after a request for changes starts a new round', async () => {
    const input = makeInput({ units: 1 });
    const id = await api.startOk(input);
    const approver = input.units[0]!.approver.email;
    const attached = await api.attach(id, { name: 'module.pdf', content: pdfFile() });
    const first = (attached.body as { version: { documentId: string } }).version;
    await api.decideOnPage(await api.linkFor(approver), 'request-changes', 'Add the hours');
    await h.mailbox.waitFor(input.coordinator.email);
    await api.attach(id, { name: 'module.pdf', content: pdfFile() }, { documentId: first.documentId });
    await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, { note: 'Hours added' });
    await api.decideOnPage(await api.linkFor(approver, 2), 'approve');
    await api.decideOnPage(await api.linkFor(input.coordinator.email), 'approve');
    await save('documents', id);
  });

  it('changes: a project reference changed, declared services amended on resubmitting', async () => {
    const modules = makeInput({ units: 1 });
    const moduleId = await api.startOk(modules);
    const director = modules.units[0]!.approver.email;
    await api.decide(await api.linkFor(director), 'request-changes', 'Old project number');
    await h.mailbox.waitFor(modules.coordinator.email);
    await api.postJson(`/api/applications/${moduleId}/units/unit-1/resubmit`, { note: 'Corrected', changes: { projectReference: 'RPSL.11.02.01-24-9999/17' } });
    await api.decide(await api.linkFor(director, 2), 'approve');
    await api.decide(await api.linkFor(modules.coordinator.email), 'approve');
    await save('changes-project-reference', moduleId);

    const allocation = makeAllocationInput({ units: 1, boardMembers: 1 });
    const id = await api.startOk(allocation);
    await api.decide(await api.linkFor(allocation.board.members[0]!.email), 'approve');
    await api.decide(await api.linkFor(allocation.units[0]!.approver.email), 'declare', undefined, ['internships', 'equipment']);
    await api.decide(await api.linkFor(allocation.promoter.email), 'request-changes', 'No equipment');
    await h.mailbox.waitFor(allocation.coordinator.email);
    await api.postJson(`/api/applications/${id}/resubmit`, { note: 'Dropped', changes: { services: { 'unit-1': ['internships'] } } });
    await api.decide(await api.linkFor(allocation.promoter.email, 2), 'approve');
    await api.decide(await api.linkFor(allocation.coordinator.email), 'approve');
    await save('changes-declared-services', id);
  });

  it('extension while opening: extended while the step\'s requests were still being written', async () => {
    const input = makeInput({ units: 1, confirmWithinSeconds: 30, reviewWithinSeconds: 60 });
    const lock = await holdTableLock(h.databaseUrl, 'ApprovalRequest');
    let id: string;
    try {
      id = await api.startOk(input);
      const deadline = new Date(Date.now() + 50_000).toISOString();
      await vi.waitFor(async () => expect((await api.postJson(`/api/applications/${id}/units/unit-1/extend-deadline`, { deadline })).status).toBe(200), { timeout: 20_000, interval: 200 });
    } finally {
      await lock.release();
    }
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email), 'approve');
    await save('extension-while-opening', id);
  });

  it('send-back past later deadlines: the resubmission reminder skipped, the review opened with a deadline ahead', async () => {
    const input = makeInput({ units: 1, confirmWithinSeconds: 3, reviewWithinSeconds: 5 });
    const approver = input.units[0]!.approver.email;
    const id = await api.startOk(input);
    await api.decide(await api.linkFor(approver), 'request-changes', 'Add the budget');
    await h.mailbox.waitFor(input.coordinator.email);
    // No worker across the resubmission's reminder and deadline (5 "working days" of a second).
    const resubmitBy = await vi.waitFor(async () => {
      const { body } = (await api.getJson(`/api/applications/${id}`)) as { body: { state: { units: Array<{ resubmitBy?: string }> } } };
      const resubmitBy = body.state.units[0]?.resubmitBy;
      expect(resubmitBy).toBeTruthy();
      return Date.parse(resubmitBy!);
    }, { timeout: 10_000, interval: 100 });
    await h.pauseWorker();
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(resubmitBy + 500), { timeout: 15_000, interval: 100 });
    await h.resumeWorker();
    await api.mail(input.coordinator.email, /Resubmission overdue/);
    await api.postJson(`/api/applications/${id}/units/unit-1/resubmit`, { note: 'Done' });
    await api.decide(await api.linkFor(approver, 2), 'approve');
    await api.decide(await api.linkFor(input.coordinator.email), 'approve');
    await save('send-back-past-deadlines', id);
  });

  it('lifecycle: a unit added, one removed, then the application withdrawn', async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[1]!.approver.email);
    await api.postJson(`/api/applications/${id}/units`, { ...input.units[0]!, key: 'unit-3', approver: { name: 'Added', email: `added-${id}@school.example.pl` } });
    await api.postJson(`/api/applications/${id}/units/unit-2/remove`, { reason: 'Merged' });
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'approve');
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Call cancelled' });
    await save('lifecycle', id);
  });
});
