import type { VariantDefinition } from '../workflows/engine/definition';
import { deriveVersion } from './derive-version';

/**
 * Variant 1. Per unit, in parallel: the unit's approver confirms adding the K2 module to its
 * already-prepared 11.2.1 project, then the coordinator reviews it. Units that decline drop out;
 * the application fails when none remains.
 */
export const moduleInExistingProjectsV1: VariantDefinition = {
  variant: 'module-in-existing-projects',
  version: 1,
  title: 'Module in existing projects (sub-measure 11.2.1 RPO WSL)',
  stages: [
    {
      id: 'modules',
      name: 'Units add the K2 module to their projects',
      scope: 'per-unit',
      onFailure: 'failed',
      steps: [
        {
          id: 'unit-confirmation',
          ask: 'Include the K2 module in project {unit.projectReference} (sub-measure 11.2.1 RPO WSL) of {unit.name}',
          kind: 'sign-off',
          roles: ['unit-approver'],
          quorum: { rule: 'all' },
          deadline: 'unitConfirmation',
          onRequestChanges: { restartAt: 'unit-confirmation', awaitResubmission: true },
          lateDecisions: 'refuse',
        },
        {
          id: 'coordinator-review',
          ask: 'Review the K2 module that {unit.name} confirmed for project {unit.projectReference}',
          kind: 'sign-off',
          roles: ['coordinator'],
          quorum: { rule: 'all' },
          deadline: 'coordinatorReview',
          onRequestChanges: { restartAt: 'unit-confirmation', awaitResubmission: false },
          lateDecisions: 'refuse',
        },
      ],
    },
  ],
  onSuccess: 'approved',
};

/** v2: a unit whose approver misses the deadline may be dropped by the coordinator (issue: escalation). */
export const moduleInExistingProjectsV2 = deriveVersion(moduleInExistingProjectsV1, 2, {
  'unit-confirmation': {
    proceedWithoutMissing: true,
    askPl: 'Włączenie modułu K2 do projektu {unit.projectReference} (poddziałanie 11.2.1 RPO WSL) jednostki {unit.name}',
  },
  'coordinator-review': {
    proceedWithoutMissing: false,
    askPl: 'Ocena modułu K2 potwierdzonego przez {unit.name} dla projektu {unit.projectReference}',
  },
});
