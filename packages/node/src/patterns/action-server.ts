/**
 * The action pattern's server (ROS 2 semantics over dora's metadata keys).
 *
 * Wire. Every action message carries parameters `goal_id` (the goal's UUID v7, made by the
 * client) and `goal_event` (its kind); the kinds:
 *
 * | edge | `goal_event` | payload | other parameters |
 * |---|---|---|---|
 * | goal (client -> server) | `goal` | the goal | `deadline` (epoch ms, optional: the client stops waiting for acceptance then; a server reading it later skips the goal), the user's own |
 * | goal, or the separate cancel edge | `cancel` | null | |
 * | goal | `get_result` | null | |
 * | reply (server -> client) | `status` | null | `goal_status`: `accepted`, `rejected` (+ `error` when `onGoal` threw or the server stopped while deciding), `executing` |
 * | reply | `feedback` | the feedback | `goal_status` (`executing` or `canceling`), the user's own |
 * | reply | `cancel_response` | null | `goal_status`: `canceling` (will cancel), or the final status (`succeeded`, `aborted`, `canceled`, `rejected`) of a goal that ended within the result TTL; absent (+ `error`) when the server does not know the goal |
 * | reply | `result` | the result (null when none) | `goal_status`: `succeeded`, `aborted` (+ `error`: what `execute` threw, or why the server stopped), `canceled`; sent at the goal's end, and again in answer to `get_result` within the TTL (`rejected` for a rejected goal); `goal_status` absent (+ `error`) when the server does not know the goal; nothing at once for a goal still running (its result comes when it ends) |
 *
 * Statuses go `accepted` -> `executing` -> (`canceling` ->) `succeeded` | `aborted` | `canceled`.
 * Every reply goes to every client wired to the reply output; each client follows its own goal
 * ids and ignores the rest. A cancel before the goal is accepted makes it end `canceled` right
 * after `accepted`, without `execute`.
 */
import { AbortError, type InputEvent, type SendableValue } from "@rivulet/core";
import type { ActionHandlers, ActionServerStats, GoalContext } from "./action-server-options.js";
import { type GoalMessage, type GoalRequestKind, type GoalReplyKind, type GoalStatus, goalParameters, readGoalMessage } from "./action-wire.js";
import { type GoalOutcome, KeptResults } from "./kept-results.js";
import type { ClaimEnd, InputClaim, PatternHost } from "./pattern-host.js";
import { KEYS } from "./pattern-keys.js";

interface ServerGoal {
  status: GoalStatus | "pending";
  cancelRequested: boolean;
  /** Why the server stopped serving while the goal ran (its signal aborted for it). */
  stopped?: string;
  readonly controller: AbortController;
}

const REQUEST_KINDS: readonly GoalRequestKind[] = ["goal", "cancel", "get_result"];

/**
 * Serves goals read from `goalInput` (claimed out of the node's main loop), answering on
 * `replyOutput`: see the wire above and ActionHandlers. Goals run concurrently. The node is held
 * alive while it serves: until the goal input ends (its clients closed or failed, STOP, or
 * `close()`) and the goals running then have ended. When the clients closed, running goals go on
 * to their end; otherwise (STOP, `close()`, the client's node failed) their `signal` aborts.
 */
export class ActionServer {
  readonly #goals = new Map<string, ServerGoal>();
  readonly #kept: KeptResults;
  readonly #goalClaim: InputClaim;
  readonly #cancelClaim: InputClaim | undefined;
  readonly #stats = { goals: 0, accepted: 0, rejected: 0, expired: 0, succeeded: 0, aborted: 0, canceled: 0, cancelRequests: 0, resultRequests: 0, malformed: 0 };
  #serving = true;
  #held = true;
  #done!: (end: ClaimEnd) => void;
  /** How serving was stopped early (STOP, `close()`, the clients' node failed); undefined otherwise. */
  #stopEnd: ClaimEnd | undefined;
  /**
   * Resolves when the server is done, with why its goal input ended: it stopped taking goals and
   * the goals running then have ended; at STOP (or `close()`, or its clients' node failing) it
   * does not wait for an `execute` that ignores its aborted `signal`. Never rejects.
   */
  readonly done: Promise<ClaimEnd> = new Promise((resolve) => (this.#done = resolve));
  /** Why the server stopped serving early (STOP, `close()`, its clients' node failed); undefined while it serves. */
  #stopReason: string | undefined;
  readonly #onStop = (): void => this.#stop({ reason: "stopped" });

  /** @throws what `host.claim` throws: UndeclaredInputError, InputClaimedError. */
  constructor(
    private readonly host: PatternHost,
    readonly goalInput: string,
    readonly replyOutput: string,
    private readonly handlers: ActionHandlers,
  ) {
    this.#kept = new KeptResults(handlers.resultTtlMs ?? 60_000);
    this.#goalClaim = host.claim(goalInput, "serveActions");
    try {
      this.#cancelClaim = handlers.cancelInput === undefined ? undefined : host.claim(handlers.cancelInput, "serveActions");
    } catch (error) {
      this.#goalClaim.release();
      throw error;
    }
    host.hold();
    // Closed: the goals queued before the end are still served; any other end stops serving now.
    this.#goalClaim.onEnd((end) => end.reason !== "closed" && this.#stop(end));
    if (host.signal.aborted) this.#onStop();
    else host.signal.addEventListener("abort", this.#onStop, { once: true });
    this.#read(this.#goalClaim)
      .finally(() => this.#finishServing())
      .catch((error: unknown) => host.log("error", `action server reading input '${goalInput}' failed: ${messageOf(error)}`));
    this.#read(this.#cancelClaim).catch((error: unknown) => host.log("error", `action server reading input '${handlers.cancelInput}' failed: ${messageOf(error)}`));
  }

  /** Counters; `active` the goals not ended, `kept` the outcomes kept for the TTL. */
  stats(): ActionServerStats {
    return { ...this.#stats, active: this.#goals.size, kept: this.#kept.size };
  }

  /** Stops serving: the inputs are let go, running goals' signals abort (they end `aborted`). Idempotent. */
  close(): void {
    this.#goalClaim.release();
  }

  async #read(claim: InputClaim | undefined): Promise<void> {
    if (!claim) return;
    for await (const event of claim) {
      const message = readGoalMessage(event, REQUEST_KINDS);
      if (!message) this.#stats.malformed++;
      else if (message.kind === "goal") void this.#run(event, message.goalId);
      else if (message.kind === "cancel") this.#cancel(message);
      else this.#answerResult(message.goalId);
    }
  }

  async #run(event: InputEvent, goalId: string): Promise<void> {
    const deadline = event.metadata.parameters[KEYS.deadline];
    if (typeof deadline === "number" && Date.now() > deadline) {
      this.#stats.expired++;
      return;
    }
    if (this.#goals.has(goalId) || this.#kept.get(goalId)) {
      this.#stats.malformed++;
      return;
    }
    event.retain();
    const goal: ServerGoal = { status: "pending", cancelRequested: false, stopped: this.#stopReason, controller: new AbortController() };
    this.#goals.set(goalId, goal);
    this.#stats.goals++;
    let accepted: boolean;
    let reason: string | undefined;
    try {
      accepted = (await this.handlers.onGoal?.(event)) ?? true;
    } catch (error) {
      accepted = false;
      reason = messageOf(error);
      this.host.log("warn", `action server on input '${this.goalInput}': onGoal threw for goal ${goalId}; the goal is rejected`, { goalId, error: reason });
    }
    // A goal decided after the server stopped serving is rejected: nothing would run it to its end.
    if (!accepted || goal.stopped !== undefined) return this.#end(goalId, { status: "rejected", value: null, error: reason ?? goal.stopped });
    this.#stats.accepted++;
    await this.#reply("status", goalId, { status: (goal.status = "accepted") });
    if (goal.cancelRequested) return this.#end(goalId, { status: "canceled", value: null });
    await this.#reply("status", goalId, { status: (goal.status = "executing") });
    const context: GoalContext = {
      goalId,
      signal: goal.controller.signal,
      feedback: async (value, metadata) => {
        if (!this.#goals.has(goalId)) return;
        await this.host.sendOutput(this.replyOutput, value, goalParameters("feedback", goalId, { status: goal.status as GoalStatus, user: metadata }));
      },
    };
    let outcome: GoalOutcome;
    try {
      outcome = { status: "succeeded", value: (await this.handlers.execute(event, context)) ?? null };
    } catch (error) {
      outcome = { status: "aborted", value: null, error: messageOf(error) };
    }
    // Once the signal aborted, why it did decides the status, whatever execute did.
    if (goal.cancelRequested) outcome = { status: "canceled", value: outcome.value };
    else if (goal.stopped !== undefined) outcome = { status: "aborted", value: outcome.value, error: goal.stopped };
    else if (outcome.status === "aborted") {
      this.host.log("warn", `action server on input '${this.goalInput}': goal ${goalId} aborted: execute threw`, { goalId, error: outcome.error! });
    }
    this.#end(goalId, outcome);
  }

  #cancel(message: GoalMessage<GoalRequestKind>): void {
    this.#stats.cancelRequests++;
    const goal = this.#goals.get(message.goalId);
    if (!goal) {
      const outcome = this.#kept.get(message.goalId);
      void this.#reply("cancel_response", message.goalId, outcome ? { status: outcome.status, error: outcome.error } : { error: "unknown goal" });
      return;
    }
    if (!goal.cancelRequested) {
      goal.cancelRequested = true;
      // A goal still being decided is canceled once accepted, before `execute` runs.
      if (goal.status !== "pending") goal.status = "canceling";
      goal.controller.abort(new AbortError(`node '${this.host.nodeId}' goal ${message.goalId}: canceled by its client`));
    }
    void this.#reply("cancel_response", message.goalId, { status: "canceling" });
  }

  #answerResult(goalId: string): void {
    this.#stats.resultRequests++;
    const outcome = this.#kept.get(goalId);
    if (outcome) void this.#reply("result", goalId, { status: outcome.status, error: outcome.error }, outcome.value);
    // A running goal's result goes to every client on the reply edge when it ends: nothing to send now.
    else if (!this.#goals.has(goalId)) void this.#reply("result", goalId, { error: "unknown goal" });
  }

  /** The goal reached a terminal state (or was rejected): its outcome is sent, then kept for the TTL. */
  #end(goalId: string, outcome: GoalOutcome): void {
    this.#goals.delete(goalId);
    if (outcome.status !== "rejected") this.#stats[outcome.status as "succeeded" | "aborted" | "canceled"]++;
    else this.#stats.rejected++;
    if (this.#serving) this.#kept.keep(goalId, outcome);
    const kind = outcome.status === "rejected" ? "status" : "result";
    void this.#reply(kind, goalId, { status: outcome.status, error: outcome.error }, outcome.value);
    this.#releaseWhenDone();
  }

  /** Sends a reply; a failed send is logged (the server serves on; the client's wait ends by its timeout or the goal's end). */
  async #reply(kind: GoalReplyKind, goalId: string, fields: { status?: GoalStatus; error?: string }, value: SendableValue = null): Promise<void> {
    try {
      await this.host.sendOutput(this.replyOutput, value, goalParameters(kind, goalId, fields));
    } catch (error) {
      this.host.log("error", `action server: the ${kind} of goal ${goalId} could not be sent on output '${this.replyOutput}'`, { goalId, error: messageOf(error) });
    }
  }

  /** Stops serving early: running goals' signals abort, goals still queued or being decided are rejected. */
  #stop(end: ClaimEnd): void {
    if (this.#stopReason !== undefined) return;
    this.#stopEnd = end;
    const reason = new AbortError(`node '${this.host.nodeId}' action server on input '${this.goalInput}' stopped serving (${end.reason})`);
    this.#stopReason = reason.message;
    for (const goal of this.#goals.values()) {
      goal.stopped = reason.message;
      goal.controller.abort(reason);
    }
    this.#goalClaim.release();
    this.#cancelClaim?.release();
  }

  /** The goal input is drained and ended: nobody can ask any more; the hold goes once running goals end. */
  #finishServing(): void {
    this.#serving = false;
    this.host.signal.removeEventListener("abort", this.#onStop);
    this.#cancelClaim?.release();
    this.#kept.clear();
    this.#releaseWhenDone();
  }

  #releaseWhenDone(): void {
    // Stopped early, running goals were aborted: the node need not wait for them to return.
    if (this.#serving || (this.#goals.size > 0 && this.#stopReason === undefined) || !this.#held) return;
    this.#held = false;
    this.host.release();
    this.#done(this.#stopEnd ?? this.#goalClaim.ended ?? { reason: "released" });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Starts an ActionServer (see there): `node.serveActions` delegates here. */
export function serveActions(host: PatternHost, goalInput: string, replyOutput: string, handlers: ActionHandlers): ActionServer {
  return new ActionServer(host, goalInput, replyOutput, handlers);
}
