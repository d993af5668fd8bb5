import type { UnitInput } from '../../domain/application-input';
import { waitingUnit, type UnitResult, type UnitState } from '../engine/state';

/**
 * An application's units: who is in it (units join and leave while sign-offs are collected), each
 * one's latest state and, once its branch has ended, its result. The application workflow's one
 * place for them: its handlers, its per-unit stages and its query all go through it.
 */
export class UnitRoster {
  private readonly units: UnitInput[];
  private readonly states: Map<string, UnitState>;
  private readonly removed = new Set<string>();
  readonly results = new Map<string, UnitResult>();
  /** Units being added right now: a running per-unit stage must not finish before they join it. */
  adding = 0;

  constructor(units: readonly UnitInput[]) {
    this.units = [...units];
    this.states = new Map(this.units.map((u) => [u.key, waitingUnit(u)]));
  }

  /** Whether the application has this unit (and it was not removed). */
  has(unitKey: string): boolean {
    return this.states.has(unitKey) && !this.removed.has(unitKey);
  }

  isRemoved(unitKey: string): boolean {
    return this.removed.has(unitKey);
  }

  includesKey(unitKey: string): boolean {
    return this.units.some((u) => u.key === unitKey);
  }

  add(unit: UnitInput): void {
    this.units.push(unit);
    this.states.set(unit.key, waitingUnit(unit));
  }

  remove(unitKey: string): void {
    this.removed.add(unitKey);
    this.states.set(unitKey, { ...this.states.get(unitKey)!, status: 'removed', current: null });
  }

  /** A unit's new state, unless it was removed meanwhile (its branch reports or returns it). */
  update(state: UnitState): void {
    if (!this.removed.has(state.unitKey)) this.states.set(state.unitKey, state);
  }

  /** The unit as it stands, or as the result says it ended where its branch kept no state. */
  settle(unitKey: string, result: UnitResult, final: UnitState | undefined): void {
    this.update(final ?? { ...this.states.get(unitKey)!, status: result.outcome, declaredServices: result.declaredServices });
  }

  /** The units still in the application. */
  active(): UnitInput[] {
    return this.units.filter((u) => !this.removed.has(u.key));
  }

  list(): UnitState[] {
    return this.units.map((u) => this.states.get(u.key)!);
  }

  /** Every unit's result when the application ends; `withdrawn` for those whose branch never ended. */
  finalResults(withdrawn: boolean): UnitResult[] {
    return this.units.map(
      (u): UnitResult =>
        this.results.get(u.key) ?? { unitKey: u.key, name: u.name, outcome: this.removed.has(u.key) ? 'removed' : withdrawn ? 'withdrawn' : 'not-reached', declaredServices: null },
    );
  }
}
