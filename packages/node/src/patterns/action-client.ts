import { type InputEvent, type SendableValue, TimeoutError, abortErrorFrom } from "@rivulet/core";
import { waitFor } from "@rivulet/core/internal";
import { ask } from "./action-ask.js";
import type { ActionClientInit, ActionClientStats, GetResultOptions, SendGoalOptions } from "./action-client-options.js";
import { GoalAbortedError, GoalRejectedError, UnknownGoalError, claimEndError } from "./action-errors.js";
import { ClientGoal, type GoalHandle, type GoalResult } from "./action-goal.js";
import { type GoalMessage, type GoalReplyKind, goalParameters, isTerminal, readGoalMessage } from "./action-wire.js";
import type { ClaimEnd, InputClaim, PatternHost } from "./pattern-host.js";
import { newId } from "./pattern-keys.js";
import { ResultQueries } from "./result-queries.js";
import { RecentIds } from "./recent-ids.js";

const REPLY_KINDS: readonly GoalReplyKind[] = ["status", "feedback", "cancel_response", "result"];

/**
 * The client side of the action pattern (ROS 2 semantics) over one wiring: goals and
 * `get_result` requests go out on `goalOutput`, cancel requests on `cancelOutput` (default the
 * goal output), and every answer comes back on `replyInput`, which the client claims for itself
 * (out of the node's main loop) from construction on. Several clients may share one server;
 * each follows only its own goals. The node is held alive (`host.hold()`) while a goal is pending.
 *
 * When the reply claim ends, every pending goal ends at once: those accepted resolve their
 * result as `aborted` with ActionServerFailedError (server failed), ActionServerClosedError
 * (server ended, or `close()`) or AbortError (this node stops); those not answered yet make
 * `sendGoal` reject with that error; later calls reject with it too.
 */
export class ActionClient {
  readonly #claim: InputClaim;
  readonly #goals = new Map<string, ClientGoal>();
  readonly #queries = new ResultQueries();
  /** Ended goal ids, to tell their late messages from other clients'. */
  readonly #forgotten = new RecentIds();
  readonly #stats: ActionClientStats = { sent: 0, accepted: 0, rejected: 0, succeeded: 0, aborted: 0, canceled: 0, abandoned: 0, pending: 0, late: 0, foreign: 0, malformed: 0, feedbackDropped: 0 };
  #end: ClaimEnd | undefined;
  readonly #onStop = (): void => this.#endAll({ reason: "stopped" });

  /**
   * @throws what `host.claim` throws: UndeclaredInputError, InputClaimedError.
   */
  constructor(
    private readonly host: PatternHost,
    readonly goalOutput: string,
    readonly replyInput: string,
    private readonly init: ActionClientInit = {},
  ) {
    this.#claim = host.claim(replyInput, "sendGoal", { replies: true });
    this.#claim.onEnd((end) => this.#endAll(end));
    if (host.signal.aborted) this.#endAll({ reason: "stopped" });
    else host.signal.addEventListener("abort", this.#onStop, { once: true });
    this.#read().catch((error: unknown) => host.log("error", `action client reading input '${replyInput}' failed: ${String(error)}`));
  }

  /** The output cancel requests go to; undefined: the goal output. */
  get cancelOutput(): string | undefined {
    return this.init.cancelOutput;
  }

  /**
   * Sends a goal (a new UUID v7 as `goal_id`) and resolves with its handle once the server
   * accepted it.
   * @throws GoalRejectedError when the server rejects it; TimeoutError when `timeout` passes
   *   first, AbortError when `signal` fires first (the goal is then forgotten, and a cancel is
   *   sent in case the server accepts it after all); ActionServerFailedError,
   *   ActionServerClosedError or AbortError when the reply claim ended (see the class); what
   *   `sendOutput` throws.
   */
  async sendGoal(value: SendableValue, options: SendGoalOptions = {}): Promise<GoalHandle> {
    const goalId = newId();
    if (this.#end) throw claimEndError(this.host.nodeId, this.replyInput, goalId, this.#end);
    const { timeout, signal } = options;
    if (signal?.aborted) throw abortErrorFrom(signal);
    const deadline = timeout === undefined ? undefined : Date.now() + timeout;
    const goal = new ClientGoal({
      goalId,
      nodeId: this.host.nodeId,
      sendCancel: () => this.#sendCancel(goalId),
      feedbackQueueSize: this.init.feedbackQueueSize ?? 64,
      counters: this.#stats,
    });
    this.#goals.set(goalId, goal);
    this.host.hold();
    this.#stats.sent++;
    let sent = false;
    try {
      await this.host.sendOutput(this.goalOutput, value, goalParameters("goal", goalId, { deadline, user: options.metadata }));
      sent = true;
      const left = deadline === undefined ? undefined : { ms: Math.max(0, deadline - Date.now()), value: false };
      const answered = await waitFor<boolean>((resolve, reject) => void goal.acceptance.then(() => resolve(true), reject), { signal, timeout: left });
      if (!answered) throw new TimeoutError(timeout!, `node '${this.host.nodeId}' goal ${goalId} on output '${this.goalOutput}': the server's answer`);
    } catch (error) {
      if (this.#goals.get(goalId) === goal) this.#abandon(goal, error, sent);
      throw error;
    }
    if (signal) {
      const onAbort = (): void => void goal.cancel().catch((error: unknown) => this.host.log("warn", `goal ${goalId}: cancel on abort failed: ${String(error)}`));
      signal.addEventListener("abort", onAbort, { once: true });
      void goal.result.then(() => signal.removeEventListener("abort", onAbort));
    }
    return goal;
  }

  /**
   * The result of goal `goalId`, which this client need not have sent (a late joiner, or a
   * program that lost the handle): the server answers from the results it keeps for its result
   * TTL, or once the goal ends if it is still running. A goal of this client's own resolves with
   * its handle's result (or rejects as its `sendGoal`).
   * @throws UnknownGoalError when the server does not know the goal (never sent, or its TTL
   *   passed); GoalRejectedError when the server rejected it; TimeoutError, AbortError; the claim-end errors as `sendGoal`.
   */
  async getResult(goalId: string, options: GetResultOptions = {}): Promise<GoalResult> {
    const own = this.#goals.get(goalId);
    if (own) return own.acceptance.then(() => own.result);
    if (this.#end) throw claimEndError(this.host.nodeId, this.replyInput, goalId, this.#end);
    this.host.hold();
    try {
      return await ask<GoalResult>(
        () => this.host.sendOutput(this.goalOutput, null, goalParameters("get_result", goalId)),
        (resolve, reject) => this.#queries.listen(goalId, resolve, reject),
        options,
        `node '${this.host.nodeId}' goal ${goalId} on output '${this.goalOutput}': the answer to get_result`,
      );
    } finally {
      this.host.release();
    }
  }

  /** Counters; `pending` is the goals not ended yet. */
  stats(): ActionClientStats {
    return { ...this.#stats, pending: this.#goals.size };
  }

  /** Lets the reply input go: pending goals end as `aborted` with ActionServerClosedError (`released`). Idempotent. */
  close(): void {
    this.#claim.release();
  }

  async #read(): Promise<void> {
    for await (const event of this.#claim) this.#dispatch(event);
  }

  #dispatch(event: InputEvent): void {
    const message = readGoalMessage(event, REPLY_KINDS);
    if (!message) {
      this.#stats.malformed++;
      return;
    }
    const queried = (message.kind === "result" || message.status === "rejected") && this.#answerQueries(message, event);
    const goal = this.#goals.get(message.goalId);
    if (!goal) {
      if (this.#forgotten.has(message.goalId)) this.#stats.late++;
      else if (!queried) this.#stats.foreign++;
      return;
    }
    const wasAccepted = goal.accepted;
    if (message.kind === "feedback") goal.pushFeedback(event);
    else if (message.status === "rejected") {
      // An accepted goal cannot be rejected any more: such a message is ignored.
      if (goal.accepted) return;
      goal.refuse(new GoalRejectedError(this.host.nodeId, this.goalOutput, goal.goalId, message.error));
      this.#stats.rejected++;
      this.#drop(goal);
    } else if (isTerminal(message.status)) {
      // A cancel answered with a terminal status tells the end of a goal whose result message was lost.
      this.#finish(goal, this.#resultOf(message, message.kind === "result" ? event : undefined));
    } else if (message.status) {
      goal.setStatus(message.status);
      if (message.kind === "cancel_response") goal.answerCancel(message.status === "canceling");
    } else if (message.kind === "cancel_response") goal.answerCancel(false);
    if (!wasAccepted && goal.accepted) this.#stats.accepted++;
  }

  #resultOf(message: GoalMessage<GoalReplyKind>, value: InputEvent | undefined): GoalResult {
    const status = message.status as GoalResult["status"];
    const error = status === "aborted" ? new GoalAbortedError(this.host.nodeId, this.replyInput, message.goalId, message.error ?? "aborted") : undefined;
    return { status, value, error };
  }

  /** Answers the getResult calls waiting for this goal; true if there were any. */
  #answerQueries(message: GoalMessage<GoalReplyKind>, event: InputEvent): boolean {
    const { goalId, status } = message;
    if (status === "rejected") return this.#queries.answer(goalId, new GoalRejectedError(this.host.nodeId, this.goalOutput, goalId, message.error));
    if (!isTerminal(status)) return this.#queries.answer(goalId, new UnknownGoalError(this.host.nodeId, this.replyInput, goalId));
    event.retain();
    return this.#queries.answer(goalId, this.#resultOf(message, event));
  }

  #finish(goal: ClientGoal, result: GoalResult): void {
    goal.finish(result);
    this.#stats[result.status]++;
    this.#drop(goal);
  }

  /** Gives up a goal before its answer: later messages about it count as `late`. */
  #abandon(goal: ClientGoal, error: unknown, sent: boolean): void {
    goal.refuse(error instanceof Error ? error : new Error(String(error)));
    this.#stats.abandoned++;
    this.#drop(goal);
    // Best effort: the server may accept the goal after all; nothing waits for this cancel's answer.
    if (sent && !this.#end) this.#sendCancel(goal.goalId).catch(() => {});
  }

  #sendCancel(goalId: string): Promise<void> {
    return this.host.sendOutput(this.init.cancelOutput ?? this.goalOutput, null, goalParameters("cancel", goalId));
  }

  /** The goal needs no more messages: those still coming about it count as `late`. */
  #drop(goal: ClientGoal): void {
    if (!this.#goals.delete(goal.goalId)) return;
    this.host.release();
    this.#forgotten.add(goal.goalId);
  }

  #endAll(end: ClaimEnd): void {
    if (this.#end) return;
    this.#end = end;
    this.host.signal.removeEventListener("abort", this.#onStop);
    for (const goal of [...this.#goals.values()]) {
      const error = claimEndError(this.host.nodeId, this.replyInput, goal.goalId, end);
      if (goal.accepted) this.#finish(goal, { status: "aborted", error });
      else {
        goal.refuse(error);
        this.#drop(goal);
      }
    }
    this.#queries.rejectAll((goalId) => claimEndError(this.host.nodeId, this.replyInput, goalId, end));
  }
}
