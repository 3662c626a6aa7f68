import { AbortError, RivuletError } from "@rivulet/core";
import type { ClaimEnd } from "./pattern-host.js";

/**
 * Errors of the action pattern. Each names the node it happened in, the input or output involved
 * and the goal; code and tests identify them by `name` and fields, not by message text.
 */

/** The action server rejected a goal (its `onGoal` said no, or threw: `serverMessage`): `sendGoal` rejects with it. */
export class GoalRejectedError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly outputId: string,
    readonly goalId: string,
    readonly serverMessage?: string,
  ) {
    super(`node '${nodeId}' goal ${goalId} sent on output '${outputId}' was rejected by the server${serverMessage ? `: ${serverMessage}` : ""}`);
  }
}

/**
 * The server's `execute` threw: the goal ended `aborted`, and its result's `error` is this one,
 * with the server's message (parameter `error`) as `serverMessage`.
 */
export class GoalAbortedError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    readonly goalId: string,
    readonly serverMessage: string,
  ) {
    super(`node '${nodeId}' goal ${goalId}: the server aborted it (result on input '${inputId}'): ${serverMessage}`);
  }
}

/**
 * The server feeding a client's reply input failed (NODE_FAILED): every goal of that client still
 * pending ends at once, `aborted` with this error (or `sendGoal` rejects with it when the goal was
 * not accepted yet), and so does every later goal. `serverNodeId` and `serverError` say who and why.
 */
export class ActionServerFailedError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    readonly goalId: string,
    readonly serverNodeId: string,
    readonly serverError: string,
  ) {
    super(`node '${nodeId}' goal ${goalId}: action server '${serverNodeId}' feeding input '${inputId}' failed (${serverError}); the goal is aborted`);
  }
}

/**
 * A client's reply input will bring nothing more: its server ended normally (`closed`) or the
 * client was closed (`released`). Pending goals end `aborted` with it, as with
 * ActionServerFailedError, and so does every later goal.
 */
export class ActionServerClosedError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    readonly goalId: string,
    readonly reason: "closed" | "released",
  ) {
    super(
      reason === "closed"
        ? `node '${nodeId}' goal ${goalId}: input '${inputId}' closed (its action server ended) before the goal finished`
        : `node '${nodeId}' goal ${goalId}: the action client reading input '${inputId}' was closed`,
    );
  }
}

/** `getResult` asked about a goal the server does not know: never sent to it, or forgotten after its result TTL. */
export class UnknownGoalError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    readonly goalId: string,
  ) {
    super(`node '${nodeId}' goal ${goalId}: the action server answering on input '${inputId}' does not know it (never sent, or its result TTL passed)`);
  }
}

/**
 * Why a client's goal ends when its reply claim ends: ActionServerFailedError, ActionServerClosedError,
 * or for `stopped` (STOP, or the node closed) an AbortError naming the node and goal.
 */
export function claimEndError(nodeId: string, inputId: string, goalId: string, end: ClaimEnd): Error {
  switch (end.reason) {
    case "failed":
      return new ActionServerFailedError(nodeId, inputId, goalId, end.sourceNodeId, end.error);
    case "stopped":
      return new AbortError(`node '${nodeId}' goal ${goalId}: the node is stopping; the goal is abandoned`);
    default:
      return new ActionServerClosedError(nodeId, inputId, goalId, end.reason);
  }
}
