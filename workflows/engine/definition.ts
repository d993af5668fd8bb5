// The shape of a financing variant's definition: plain data the engine interprets. A running
// application carries its definition in its workflow input, so a later change to a definition
// applies to new applications only.

/** Who acts in a step; resolved against the application input (see parties.ts). */
export type Role = 'unit-approver' | 'coordinator' | 'board-member' | 'promoter' | 'ksse' | 'landster';

/** How many of a step's parties must approve: every one, one, more than half, or at least k. */
export type Quorum = { rule: 'all' } | { rule: 'any' } | { rule: 'majority' } | { rule: 'at-least'; count: number };

/** sign-off: approve / reject / request changes. declaration: declare chosen services or decline. */
export type StepKind = 'sign-off' | 'declaration';

export interface StepDefinition {
  id: string;
  /** What the parties are asked, shown on their page; `{unit.name}`, `{unit.projectReference}`, `{declaredServices}` are filled in. */
  ask: string;
  /** The same in Polish, for parties who read Polish (the default); `ask` is used where it is missing. */
  askPl?: string;
  kind: StepKind;
  /** Every member of these roles is a party of the step. */
  roles: Role[];
  quorum: Quorum;
  /** Key of the input's `deadlines` object that closes this step. */
  deadline: string;
  /**
   * Request-changes sends the work back: to `restartAt` (a step of the same branch), after the
   * coordinator resubmits when `awaitResubmission`, or at once with the comment passed along.
   */
  onRequestChanges: { restartAt: string; awaitResubmission: boolean } | null;
  /** After the deadline: refuse decisions until the coordinator acts, or keep accepting them, marked late. */
  lateDecisions: 'refuse' | 'accept';
  /** Whether the coordinator may close a missed deadline by going on with the parties who decided. */
  proceedWithoutMissing?: boolean;
  /** Overrides the default reminders (5, 2, 1 working days before, and the deadline's morning); an application's input overrides this. */
  reminders?: { workingDaysBefore: number[]; onDeadlineMorning: boolean };
  /**
   * When the step opens again after a request for changes (and the coordinator gave no new
   * deadline), its deadline is at least this many working days from the reopening (default 5);
   * the same bound applies to waiting for the coordinator's resubmission before it.
   */
  reopenWithinWorkingDays?: number;
  /**
   * Whether a party's page names the step's other parties beside their decisions (parties who sign
   * one agreement together), or only counts how many have decided (the default: a board's vote).
   * Display only: the workflow never reads it.
   */
  partiesSeeNames?: boolean;
}

export interface StageDefinition {
  id: string;
  name: string;
  /** Application steps run once; per-unit steps run for each unit in parallel, in a child workflow. */
  scope: 'application' | 'per-unit';
  steps: StepDefinition[];
  /** Application status when the stage fails (per-unit: when no unit succeeds). */
  onFailure: 'rejected' | 'failed' | 'lapsed';
}

export interface VariantDefinition {
  variant: string;
  version: number;
  title: string;
  stages: StageDefinition[];
  /** Application status when every stage succeeded. */
  onSuccess: 'approved' | 'submitted' | 'concluded';
}
