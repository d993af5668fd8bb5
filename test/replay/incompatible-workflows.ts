// A deliberately incompatible edit, for test/replay/replay.test.ts: the application workflow
// now sleeps before anything else, so no recorded history (each begins with an activity) fits it.
import { sleep } from '@temporalio/workflow';
import { applicationWorkflow as current, type ApplicationWorkflowInput } from '../../workflows/application-workflow';

export { unitBranchWorkflow } from '../../workflows/unit-branch-workflow';

export async function applicationWorkflow(input: ApplicationWorkflowInput) {
  await sleep('1 second');
  return current(input);
}
