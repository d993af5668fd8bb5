import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { latestDefinition } from '../../definitions';
import { moduleInExistingProjectsV1 } from '../../definitions/module-in-existing-projects';
import type { applicationWorkflow } from '../../workflows/application-workflow';
import type { VariantDefinition } from '../../workflows/engine/definition';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started));

describe('definition versions', () => {
  it('an application runs the definition it started with, whatever the current one says', async () => {
    // A later "version 2" without the coordinator's review: an application started on it never
    // asks the coordinator, while one started on version 1 does.
    const v2: VariantDefinition = { ...structuredClone(moduleInExistingProjectsV1), version: 2 };
    v2.stages[0]!.steps = v2.stages[0]!.steps.filter((s) => s.id !== 'coordinator-review');
    const input = makeInput({ units: 1 });
    const applicationId = `app-${randomUUID()}`;
    await h.temporal.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: applicationId,
      args: [{ applicationId, input, definition: v2 }],
    });
    await api.decide(await api.linkFor(input.units[0]!.approver.email), 'approve');
    expect((await api.result(applicationId)).status).toBe('approved');
    expect(await h.db.approvalRequest.count({ where: { applicationId, step: 'coordinator-review' } })).toBe(0);
    expect((await h.db.application.findUniqueOrThrow({ where: { id: applicationId } })).definitionVersion).toBe(2);

    const current = makeInput({ units: 1 });
    const started = await api.startOk(current);
    await api.linkFor(current.units[0]!.approver.email);
    const latest = latestDefinition('module-in-existing-projects').version;
    expect((await h.db.application.findUniqueOrThrow({ where: { id: started } })).definitionVersion).toBe(latest);
    expect((await api.getJson(`/api/applications/${started}`)).body.state.definitionVersion).toBe(latest);
  });
});
