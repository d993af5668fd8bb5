import type { VariantDefinition } from '../workflows/engine/definition';
import { deriveVersion } from './derive-version';

/**
 * Variant 2. The ZIT board approves a dedicated allocation by majority; units declare by a
 * deadline which project services they want (or decline); the external promoter signs the
 * application covering the declared services; the coordinator gives final approval and it is
 * submitted. No declaration by the deadline means the application lapses.
 */
export const dedicatedZitAllocationV1: VariantDefinition = {
  variant: 'dedicated-zit-allocation',
  version: 1,
  title: 'Dedicated ZIT allocation with an external promoter',
  stages: [
    {
      id: 'allocation',
      name: 'The ZIT board approves the allocation',
      scope: 'application',
      onFailure: 'rejected',
      steps: [
        {
          id: 'board-approval',
          ask: 'Approve a dedicated ZIT allocation for the K2 project "{title}", run by the external promoter {promoter.name}',
          kind: 'sign-off',
          roles: ['board-member'],
          quorum: { rule: 'majority' },
          deadline: 'boardApproval',
          onRequestChanges: { restartAt: 'board-approval', awaitResubmission: true },
          lateDecisions: 'refuse',
        },
      ],
    },
    {
      id: 'declarations',
      name: 'Units declare the services they want',
      scope: 'per-unit',
      onFailure: 'lapsed',
      steps: [
        {
          id: 'declaration',
          ask: 'Declare which K2 project services {unit.name} wants from the catalogue, or decline',
          kind: 'declaration',
          roles: ['unit-approver'],
          quorum: { rule: 'all' },
          deadline: 'declarations',
          onRequestChanges: null,
          lateDecisions: 'refuse',
        },
      ],
    },
    {
      id: 'submission',
      name: 'The promoter signs; the coordinator approves the submission',
      scope: 'application',
      onFailure: 'rejected',
      steps: [
        {
          id: 'promoter-signature',
          ask: 'Prepare and sign the K2 application covering the declared services: {declaredServices}',
          kind: 'sign-off',
          roles: ['promoter'],
          quorum: { rule: 'all' },
          deadline: 'promoterSignature',
          onRequestChanges: { restartAt: 'promoter-signature', awaitResubmission: true },
          lateDecisions: 'refuse',
        },
        {
          id: 'final-approval',
          ask: 'Give final approval to submit the K2 application signed by {promoter.name}, covering: {declaredServices}',
          kind: 'sign-off',
          roles: ['coordinator'],
          quorum: { rule: 'all' },
          deadline: 'finalApproval',
          onRequestChanges: { restartAt: 'promoter-signature', awaitResubmission: false },
          lateDecisions: 'refuse',
        },
      ],
    },
  ],
  onSuccess: 'submitted',
};

/** v2: after a missed deadline the coordinator may go on with the board members and units who answered. */
export const dedicatedZitAllocationV2 = deriveVersion(dedicatedZitAllocationV1, 2, {
  'board-approval': {
    proceedWithoutMissing: true,
    askPl: 'Zatwierdzenie wyodrębnionej alokacji ZIT na projekt K2 „{title}” realizowany przez projektodawcę zewnętrznego {promoter.name}',
  },
  declaration: {
    proceedWithoutMissing: true,
    askPl: 'Deklaracja, z których usług projektu K2 z katalogu chce korzystać {unit.name}, albo rezygnacja',
  },
  'promoter-signature': {
    proceedWithoutMissing: false,
    askPl: 'Przygotowanie i podpisanie wniosku K2 obejmującego zadeklarowane usługi: {declaredServices}',
  },
  'final-approval': {
    proceedWithoutMissing: false,
    askPl: 'Ostateczna akceptacja złożenia wniosku K2 podpisanego przez {promoter.name}, obejmującego: {declaredServices}',
  },
});
