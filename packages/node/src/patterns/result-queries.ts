import type { GoalResult } from "./action-goal.js";

interface Query {
  resolve: (result: GoalResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The `getResult` calls of an ActionClient waiting for the server's answer, by goal id. Each
 * wait registers through `listen` (a `waitFor` start) and is removed by the cleanup it returns.
 */
export class ResultQueries {
  readonly #waiting = new Map<string, Set<Query>>();

  /** Registers a wait for goal `goalId`; returns its cleanup. */
  listen(goalId: string, resolve: Query["resolve"], reject: Query["reject"]): () => void {
    const query = { resolve, reject };
    const queries = this.#waiting.get(goalId) ?? new Set();
    this.#waiting.set(goalId, queries.add(query));
    return () => {
      queries.delete(query);
      if (queries.size === 0 && this.#waiting.get(goalId) === queries) this.#waiting.delete(goalId);
    };
  }

  /** Settles the waits for `goalId` with `answer` (a result, or an error to reject with); false when none waited. */
  answer(goalId: string, answer: GoalResult | Error): boolean {
    const queries = this.#waiting.get(goalId);
    if (!queries) return false;
    for (const query of [...queries]) {
      if (answer instanceof Error) query.reject(answer);
      else query.resolve(answer);
    }
    return true;
  }

  /** Rejects every wait, each with the error `errorFor` gives for its goal. */
  rejectAll(errorFor: (goalId: string) => Error): void {
    for (const goalId of [...this.#waiting.keys()]) this.answer(goalId, errorFor(goalId));
  }
}
