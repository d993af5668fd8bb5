import type { VariantDefinition } from '../workflows/engine/definition';
import { deriveVersion } from './derive-version';

/**
 * Variant 3. Per unit, in parallel: a cooperation agreement between the unit, KSSE and Landster
 * that needs all three sign-offs, in any order. Each agreement concludes or fails on its own;
 * signatures after the deadline are accepted and recorded as late.
 */
export const individualCooperationV1: VariantDefinition = {
  variant: 'individual-cooperation',
  version: 1,
  title: 'Individual cooperation with KSSE and Landster',
  stages: [
    {
      id: 'agreements',
      name: 'Cooperation agreements',
      scope: 'per-unit',
      onFailure: 'failed',
      steps: [
        {
          id: 'agreement',
          ask: 'Sign the cooperation agreement between {unit.name}, KSSE and Landster Business Development Centre',
          kind: 'sign-off',
          roles: ['unit-approver', 'ksse', 'landster'],
          quorum: { rule: 'all' },
          deadline: 'agreements',
          onRequestChanges: { restartAt: 'agreement', awaitResubmission: true },
          lateDecisions: 'accept',
          partiesSeeNames: true,
        },
      ],
    },
  ],
  onSuccess: 'concluded',
};

/** v2: an agreement needs all three signatures, so a missed deadline cannot be skipped, only extended. */
export const individualCooperationV2 = deriveVersion(individualCooperationV1, 2, {
  agreement: {
    proceedWithoutMissing: false,
    askPl: 'Podpisanie umowy o współpracy między {unit.name}, KSSE i Landster Business Development Centre',
  },
});
