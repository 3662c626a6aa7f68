import type { SendableValue } from "@rivulet/core";
import type { GoalStatus } from "./action-wire.js";

/** How a goal ended on the server: its terminal status (or `rejected`), result value and error. */
export interface GoalOutcome {
  status: GoalStatus;
  value: SendableValue;
  error?: string;
}

/**
 * The outcomes of the goals an action server finished, each kept for `ttlMs` counted from the
 * goal's terminal state (not its acceptance: a long goal is not forgotten before it ends), so a
 * cancel or `get_result` arriving afterwards is answered. The timers do not keep the process alive.
 */
export class KeptResults {
  readonly #outcomes = new Map<string, { outcome: GoalOutcome; timer: NodeJS.Timeout }>();

  constructor(readonly ttlMs: number) {}

  get size(): number {
    return this.#outcomes.size;
  }

  keep(goalId: string, outcome: GoalOutcome): void {
    const timer = setTimeout(() => this.#outcomes.delete(goalId), this.ttlMs);
    timer.unref?.();
    const previous = this.#outcomes.get(goalId);
    if (previous) clearTimeout(previous.timer);
    this.#outcomes.set(goalId, { outcome, timer });
  }

  get(goalId: string): GoalOutcome | undefined {
    return this.#outcomes.get(goalId)?.outcome;
  }

  /** Forgets every outcome (the server ended: nobody can ask any more). */
  clear(): void {
    for (const { timer } of this.#outcomes.values()) clearTimeout(timer);
    this.#outcomes.clear();
  }
}
