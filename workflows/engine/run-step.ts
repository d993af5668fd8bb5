import { condition } from '@temporalio/workflow';
import type { ApplicationInput, UnitInput } from '../../domain/application-input';
import { activities } from '../activities-proxy';
import type { DecisionInbox } from './decision-inbox';
import type { StepDefinition } from './definition';
import { fillAsk, partiesFor } from './parties';
import type { PartyStatus, StepState, StepVerdict } from './state';
import { stepVerdict } from './verdict';

export interface BranchContext {
  applicationId: string;
  applicationTitle: string;
  input: ApplicationInput;
  unit: UnitInput | null;
  workflowId: string;
  inbox: DecisionInbox;
  /** Reports state to whoever queries it; called before any email about the new state goes out. */
  report(): Promise<void>;
  /** "Unit: service, service; ..." for steps that sign what the units declared. */
  declaredServices(): string;
  catalogue: string[];
}

const partyStatusOf: Record<string, PartyStatus> = {
  approve: 'approved',
  reject: 'rejected',
  'request-changes': 'changes-requested',
  declare: 'declared',
  decline: 'declined',
};

/** Builds the state of a step about to open: every party pending. */
export function openingState(ctx: BranchContext, step: StepDefinition, round: number): StepState {
  const scope = ctx.unit?.key ?? 'application';
  const parties = step.roles.flatMap((role) => partiesFor(role, ctx.input, ctx.unit));
  return {
    stepId: step.id,
    kind: step.kind,
    ask: fillAsk(step.ask, ctx.input, ctx.unit, ctx.declaredServices()),
    round,
    deadline: (ctx.input.deadlines as Record<string, string>)[step.deadline]!,
    quorum: step.quorum,
    status: 'open',
    parties: parties.map((p) => ({
      requestId: `${ctx.applicationId}:${scope}:${step.id}:${round}:${p.key}`,
      role: p.role,
      name: p.name,
      email: p.email,
      status: 'pending',
      comment: null,
      decidedAt: null,
      late: false,
      services: null,
    })),
  };
}

/**
 * Runs one step: opens a request per party (each emailed a link), collects decisions until the
 * verdict is clear or the deadline passes, then closes the requests still open. With late
 * decisions accepted, a step past its deadline stays open as "overdue".
 */
export async function runStep(ctx: BranchContext, step: StepDefinition, state: StepState, previousComment: string | null): Promise<StepVerdict> {
  const requestIds = state.parties.map((p) => p.requestId);
  // Requests open before their emails go out: a party may click the moment the email arrives.
  for (const party of state.parties) {
    ctx.inbox.open({
      requestId: party.requestId,
      applicationId: ctx.applicationId,
      unitKey: ctx.unit?.key ?? null,
      step,
      round: state.round,
      deadline: state.deadline,
      partyEmail: party.email,
      catalogue: ctx.catalogue,
      onRecorded(d) {
        Object.assign(party, { status: partyStatusOf[d.decision], comment: d.comment, decidedAt: d.decidedAt, late: d.late, services: d.services });
      },
    });
  }
  await ctx.report();
  await Promise.all(
    state.parties.map((party) =>
      activities.openApprovalRequest({
        requestId: party.requestId,
        applicationId: ctx.applicationId,
        applicationTitle: ctx.applicationTitle,
        unitKey: ctx.unit?.key ?? null,
        unitName: ctx.unit?.name ?? null,
        stepId: step.id,
        kind: step.kind,
        ask: state.ask,
        round: state.round,
        workflowId: ctx.workflowId,
        partyRole: party.role,
        partyName: party.name,
        partyEmail: party.email,
        deadline: state.deadline,
        acceptsLate: step.lateDecisions === 'accept',
        previousComment: previousComment ?? undefined,
      }),
    ),
  );

  const verdict = () => stepVerdict(step, state.parties);
  await condition(() => verdict() !== 'pending', msUntil(state.deadline));
  // A decision accepted just before the deadline is still being recorded: let it land.
  await condition(() => ctx.inbox.settled(requestIds));
  let result = verdict();
  if (result === 'pending' && step.lateDecisions === 'accept') {
    state.status = 'overdue';
    await ctx.report();
    await condition(() => verdict() !== 'pending' && ctx.inbox.settled(requestIds));
    result = verdict();
  }
  const final: StepVerdict = result === 'pending' ? 'expired' : result;
  const reason = final === 'expired' ? `Its deadline passed on ${state.deadline}.` : 'The step was decided without this request.';
  const undecided = ctx.inbox.close(requestIds, `This request is closed. ${reason}`);
  state.status = final;
  for (const party of state.parties) if (party.status === 'pending') party.status = 'closed';
  if (undecided.length) {
    await activities.closeApprovalRequests({
      applicationId: ctx.applicationId,
      requestIds: undecided,
      status: final === 'expired' ? 'expired' : 'closed',
      reason,
      notify: false,
    });
  }
  return final;
}

// Date.now() is the workflow's deterministic clock here; a timer needs at least 1 ms.
export const msUntil = (iso: string) => Math.max(1, Date.parse(iso) - Date.now());
