import { patched } from '@temporalio/workflow';

/**
 * The lean engine: no progress signals from unit branches (the client queries them), a decision's
 * receipt queued with its record, and none of the earlier patch markers. An application begun before
 * it keeps the engine it began with, so every recorded history replays. Unit branches follow their
 * application (UnitBranchInput.lean): a branch started by an application on the earlier engine
 * must still report its progress to it.
 */
const LEAN_ENGINE_PATCH = 'lean-engine';

/** Decided once, first thing in an application workflow. */
export const startsLean = (): boolean => patched(LEAN_ENGINE_PATCH);

/** A patch every lean execution has by construction: it records no marker for it. */
export const patchedOrLean = (lean: boolean, patchId: string): boolean => lean || patched(patchId);

/**
 * One activity per step transition (engine/transitions.ts) and a `decide` update that answers
 * without waiting for an activity. Decided once, right after startsLean, by lean applications
 * only; their unit branches follow them (UnitBranchInput.transitions).
 */
const TRANSITIONS_PATCH = 'one-activity-per-transition';
export const startsWithTransitions = (lean: boolean): boolean => lean && patched(TRANSITIONS_PATCH);
