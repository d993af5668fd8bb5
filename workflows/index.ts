// The worker bundles this module: deterministic workflow code only.
export { applicationWorkflow } from './application-workflow';
export { unitBranchWorkflow } from './unit-branch-workflow';
