import { describe, expect, it, vi } from 'vitest';
import { K2_DEADLINE, K2_OFFICE, K2_STATUS, K2_VARIANT } from '../../workflows/search-attributes';
import { apiOf } from '../support/api';
import { makeAllocationInput, makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

/** The workflow ids a visibility query finds, as the Temporal Web UI and `temporal workflow list --query` would. */
async function found(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of h.temporal.workflow.list({ query })) ids.push(w.workflowId);
  return ids;
}

describe("an application's search attributes", () => {
  it('carry its variant, office, status and the deadline of its stage, moved by the workflow until it ends', async () => {
    const input = makeAllocationInput({ units: 1, boardMembers: 1 });
    const id = await api.startOk(input);
    const description = await h.temporal.workflow.getHandle(id).describe();
    expect(description.typedSearchAttributes.get(K2_VARIANT)).toBe('dedicated-zit-allocation');
    expect(description.typedSearchAttributes.get(K2_OFFICE)).toBe('k2');
    expect(description.typedSearchAttributes.get(K2_STATUS)).toBe('collecting-sign-offs');
    expect(description.typedSearchAttributes.get(K2_DEADLINE)).toEqual(new Date(input.deadlines.boardApproval));

    // The same filters as the admins' page, in Temporal's own query language.
    const open = `K2Variant = 'dedicated-zit-allocation' AND K2Office = 'k2' AND K2Status = 'collecting-sign-offs'`;
    await vi.waitFor(async () => expect(await found(open)).toContain(id), { timeout: 20_000, interval: 250 });
    const dueBefore = new Date(Date.parse(input.deadlines.boardApproval) + 1000).toISOString();
    await vi.waitFor(async () => expect(await found(`WorkflowId = '${id}' AND K2Deadline < '${dueBefore}'`)).toEqual([id]), { timeout: 20_000, interval: 250 });

    // The board approves: the application moves to the declarations stage and its deadline.
    await api.decide(await api.linkFor(input.board.members[0]!.email), 'approve');
    await vi.waitFor(
      async () => expect((await h.temporal.workflow.getHandle(id).describe()).typedSearchAttributes.get(K2_DEADLINE)).toEqual(new Date(input.deadlines.declarations)),
      { timeout: 20_000, interval: 250 },
    );

    expect((await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Search test over' })).status).toBe(200);
    await api.result(id);
    const ended = (await h.temporal.workflow.getHandle(id).describe()).typedSearchAttributes;
    expect(ended.get(K2_STATUS)).toBe('withdrawn');
    expect(ended.get(K2_DEADLINE)).toBeUndefined();
    await vi.waitFor(async () => expect(await found(`WorkflowId = '${id}' AND K2Status = 'withdrawn'`)).toEqual([id]), { timeout: 20_000, interval: 250 });
  });

  it('are not set on the unit workflows: one application is one row in the list', async () => {
    const input = makeInput({ units: 2 });
    const id = await api.startOk(input);
    await api.linkFor(input.units[1]!.approver.email);
    await vi.waitFor(async () => expect(await found(`K2Variant = 'module-in-existing-projects' AND WorkflowId STARTS_WITH '${id}'`)).toEqual([id]), { timeout: 20_000, interval: 250 });
    await api.postJson(`/api/applications/${id}/withdraw`, { reason: 'Search test over' });
  });
});
