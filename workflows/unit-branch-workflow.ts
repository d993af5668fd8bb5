import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ModuleInExistingProjectsInput, Person } from '../domain/application-input';
import { activities } from './activities-proxy';
import {
  decideUpdate,
  refusal,
  resubmitUpdate,
  unitProgressSignal,
  unitStateQuery,
  type DecideInput,
  type OpenRequest,
  type RecordedDecision,
  type UnitResult,
  type UnitState,
} from './messages';
import { afterDecision, commentRequired, statusWhileAsking, type UnitOutcome, type UnitStep } from './unit-transitions';

export interface UnitBranchInput {
  applicationId: string;
  title: string;
  coordinator: Person;
  deadlines: ModuleInExistingProjectsInput['deadlines'];
  unit: ModuleInExistingProjectsInput['units'][number];
}

/**
 * One unit's branch of variant 1: the unit's approver confirms the K2 module, then the
 * coordinator reviews it. Request-changes loops back (after a coordinator resubmission when the
 * unit asked for changes). Returns the unit's outcome; never fails for business reasons.
 */
export async function unitBranchWorkflow(input: UnitBranchInput): Promise<UnitResult> {
  const { applicationId, unit } = input;
  const state: UnitState = {
    unitKey: unit.key,
    name: unit.name,
    status: 'awaiting-confirmation',
    round: 1,
    openRequest: null,
    decisions: [],
  };
  // `claimed` is set the moment an update is accepted so a concurrent one is refused;
  // `recorded` once the decision is durable in the database.
  let claimed: DecideInput | undefined;
  let recorded: RecordedDecision | undefined;
  let resubmitted = false;

  setHandler(unitStateQuery, () => state);
  setHandler(
    decideUpdate,
    async (decision) => {
      const open = state.openRequest!;
      claimed = decision;
      const entry: RecordedDecision = {
        requestId: open.requestId,
        step: open.step,
        round: open.round,
        decision: decision.decision,
        comment: decision.comment?.trim() || null,
        partyEmail: open.partyEmail,
        decidedAt: new Date().toISOString(),
      };
      await activities.recordDecision({ applicationId, unitKey: unit.key, ...entry });
      recorded = entry;
      return entry;
    },
    { validator: (d) => validateDecision(state.openRequest, claimed, d) },
  );
  setHandler(
    resubmitUpdate,
    async ({ note }) => {
      resubmitted = true;
      await activities.recordResubmission({ applicationId, unitKey: unit.key, round: state.round, note: note ?? null });
      return state;
    },
    {
      validator: (_input) => {
        if (state.status !== 'changes-requested') {
          throw ApplicationFailure.create({
            type: refusal.conflict,
            message: `Unit ${unit.key} is ${state.status}; only a unit with changes requested can be resubmitted.`,
          });
        }
      },
    },
  );

  const report = async () => {
    const parentId = workflowInfo().parent?.workflowId;
    if (parentId) await getExternalWorkflowHandle(parentId).signal(unitProgressSignal, state);
  };
  // State is reported before any email about it goes out, so whoever acts on an email finds it.
  const setStatus = async (status: UnitState['status']) => {
    state.status = status;
    await activities.recordUnitStatus({ applicationId, unitKey: unit.key, status, round: state.round });
    await report();
  };

  /** Opens a request to one party and waits for its decision or its deadline. */
  const ask = async (step: UnitStep): Promise<RecordedDecision | 'expired'> => {
    const party = step === 'unit-confirmation' ? unit.approver : input.coordinator;
    const deadline = step === 'unit-confirmation' ? input.deadlines.unitConfirmation : input.deadlines.coordinatorReview;
    const open: OpenRequest = {
      requestId: `${applicationId}:${unit.key}:${step}:${state.round}`,
      step,
      round: state.round,
      partyRole: step === 'unit-confirmation' ? 'unit-approver' : 'coordinator',
      partyName: party.name,
      partyEmail: party.email,
      deadline,
    };
    claimed = recorded = undefined;
    // Open before the email is sent: an approver may click the link the moment it arrives.
    state.openRequest = open;
    await setStatus(statusWhileAsking(step));
    await activities.openApprovalRequest({
      ...open,
      applicationId,
      unitKey: unit.key,
      workflowId: workflowInfo().workflowId,
      applicationTitle: input.title,
      unitName: unit.name,
      projectReference: unit.projectReference,
      previousComment: state.decisions.at(-1)?.comment ?? undefined,
    });
    const claimedInTime = await condition(() => claimed !== undefined, msUntil(deadline));
    if (!claimedInTime) {
      state.openRequest = null;
      await activities.expireApprovalRequest({ applicationId, requestId: open.requestId });
      return 'expired';
    }
    // A claimed decision is always recorded, even if its activity outlives the deadline.
    await condition(() => recorded !== undefined);
    state.openRequest = null;
    state.decisions.push(recorded!);
    return recorded!;
  };

  let step: UnitStep = 'unit-confirmation';
  let outcome: UnitOutcome | undefined;
  while (!outcome) {
    const result = await ask(step);
    if (result === 'expired') {
      outcome = 'expired';
      break;
    }
    const next = afterDecision(result.step, result.decision);
    if (next.kind === 'done') {
      outcome = next.outcome;
    } else if (next.kind === 'ask') {
      if (next.newRound) state.round += 1;
      step = next.step;
    } else {
      resubmitted = false;
      await setStatus('changes-requested');
      await activities.notifyChangesRequested({
        applicationId,
        requestId: result.requestId,
        unitKey: unit.key,
        unitName: unit.name,
        applicationTitle: input.title,
        coordinator: input.coordinator,
        requestedBy: `${unit.approver.name} <${unit.approver.email}>`,
        comment: result.comment ?? '',
      });
      if (!(await condition(() => resubmitted, msUntil(input.deadlines.unitConfirmation)))) {
        outcome = 'expired';
        break;
      }
      state.round += 1;
      step = 'unit-confirmation';
    }
  }

  await setStatus(outcome);
  await condition(allHandlersFinished);
  return { unitKey: unit.key, name: unit.name, outcome };
}

function validateDecision(open: OpenRequest | null, claimed: DecideInput | undefined, d: DecideInput): void {
  if (!open || open.requestId !== d.requestId) {
    throw ApplicationFailure.create({ type: refusal.requestClosed, message: 'This request is no longer open for decisions.' });
  }
  if (claimed) {
    throw ApplicationFailure.create({ type: refusal.alreadyDecided, message: 'A decision was already recorded for this request.' });
  }
  if (commentRequired(d.decision) && !d.comment?.trim()) {
    throw ApplicationFailure.create({ type: refusal.validation, message: `A comment is required to ${d.decision}.` });
  }
}

// Date.now() is the workflow's deterministic clock here; a timer needs at least 1 ms.
const msUntil = (iso: string) => Math.max(1, Date.parse(iso) - Date.now());
