import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, makeTelemetryFilterString, Runtime, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { droppedWorkflowSpans } from '../../observability/tracing';

// Histories recorded by `npm run record-histories`, one folder per recording: every variant and
// lifecycle operation, as earlier versions of the workflow code produced them.
const root = path.resolve(import.meta.dirname, 'histories');
const fixtures = readdirSync(root, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ workflowId: file.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(readFileSync(path.join(root, file), 'utf8'))) }));

// The incompatible replay below makes the native core warn once per history; that is the point.
Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } } });

async function replay(workflowBundle: ReplayWorkerOptions['workflowBundle'], histories: typeof fixtures) {
  const results: Array<{ workflowId: string; error: unknown }> = [];
  // Workflows begun with tracing (observability/workflow-interceptors.ts) hand spans to a sink; as on a worker that does not trace, they are dropped.
  for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'k2flow-replay', sinks: droppedWorkflowSpans }, histories)) {
    results.push({ workflowId: result.workflowId, error: result.error });
  }
  return results;
}

describe('recorded workflow histories', () => {
  it('cover every variant and lifecycle operation', () => {
    const names = fixtures.map((f) => path.basename(f.workflowId));
    for (const scenario of ['module-in-existing-projects', 'dedicated-zit-allocation', 'individual-cooperation', 'lifecycle']) {
      expect(names).toContain(`${scenario}.application`);
    }
    expect(names.filter((n) => !n.endsWith('.application')).length).toBeGreaterThanOrEqual(6);
  });

  it('replay without nondeterminism against the current workflow code', async () => {
    const results = await replay({ codePath: inject('workflowBundlePath') }, fixtures);
    expect(results.map((r) => [r.workflowId, r.error])).toEqual(fixtures.map((f) => [f.workflowId, undefined]));
  });

  it('fail with a determinism violation against a deliberately incompatible change', async () => {
    const incompatible = await bundleWorkflowCode({
      workflowsPath: path.resolve(import.meta.dirname, 'incompatible-workflows.ts'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    const applications = fixtures.filter((f) => f.workflowId.endsWith('.application'));
    const results = await replay(incompatible, applications);
    expect(results).toHaveLength(applications.length);
    for (const { error } of results) expect(error).toBeInstanceOf(DeterminismViolationError);
  });
});
