// Bundled by worker/workflow-bundle.ts (`npm run build:workflows`): deterministic workflow code only.
export { applicationWorkflow } from './application-workflow';
export { unitBranchWorkflow } from './unit-branch-workflow';
