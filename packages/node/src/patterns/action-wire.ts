import type { InputEvent, Parameter } from "@rivulet/core";
import { KEYS } from "./pattern-keys.js";

/**
 * The parameter telling the action messages apart on one edge (the action pattern's only key
 * besides dora's `goal_id` and `goal_status`); its values are `GoalRequestKind`s on the goal edge
 * and `GoalReplyKind`s on the reply edge. See action-server.ts for the whole wire.
 */
export const GOAL_EVENT = "goal_event";

/** Client to server: a new goal, a cancel request, a request for a finished goal's result. */
export type GoalRequestKind = "goal" | "cancel" | "get_result";

/** Server to client: a status change, a feedback value, the answer to a cancel, the result. */
export type GoalReplyKind = "status" | "feedback" | "cancel_response" | "result";

/** A goal's state, as ROS 2's and as dora's `goal_status` parameter. */
export type GoalStatus = "accepted" | "rejected" | "executing" | "canceling" | "succeeded" | "aborted" | "canceled";

/** The states a goal ends in once accepted: the `status` of its result. */
export type TerminalStatus = "succeeded" | "aborted" | "canceled";

const STATUSES: ReadonlySet<string> = new Set<GoalStatus>(["accepted", "rejected", "executing", "canceling", "succeeded", "aborted", "canceled"]);
const TERMINAL: ReadonlySet<string> = new Set<GoalStatus>(["succeeded", "aborted", "canceled"]);

/** True for `succeeded`, `aborted` and `canceled`. */
export function isTerminal(status: GoalStatus | undefined): status is TerminalStatus {
  return status !== undefined && TERMINAL.has(status);
}

/** One action message as read from its parameters. `status` is absent when the server does not know the goal. */
export interface GoalMessage<K extends string> {
  kind: K;
  goalId: string;
  status?: GoalStatus;
  /** Parameter `error`: why a goal was aborted or rejected, or that the server does not know it. */
  error?: string;
}

/**
 * The action message `event` carries, or undefined when its parameters are not one of `kinds`
 * with a string `goal_id` (a stray message on the edge: the caller counts it). An unknown
 * `goal_status` reads as absent.
 */
export function readGoalMessage<K extends string>(event: InputEvent, kinds: readonly K[]): GoalMessage<K> | undefined {
  const parameters = event.metadata.parameters;
  const kind = parameters[GOAL_EVENT];
  const goalId = parameters[KEYS.goalId];
  if (typeof kind !== "string" || !(kinds as readonly string[]).includes(kind) || typeof goalId !== "string") return undefined;
  const status = parameters[KEYS.goalStatus];
  const error = parameters[KEYS.error];
  return {
    kind: kind as K,
    goalId,
    status: typeof status === "string" && STATUSES.has(status) ? (status as GoalStatus) : undefined,
    error: typeof error === "string" ? error : undefined,
  };
}

/** The parameters of an action message (user parameters first, so the pattern's keys win). */
export function goalParameters(
  kind: GoalRequestKind | GoalReplyKind,
  goalId: string,
  fields: { status?: GoalStatus; error?: string; deadline?: number; user?: Record<string, Parameter> } = {},
): Record<string, Parameter> {
  const parameters: Record<string, Parameter> = { ...fields.user, [GOAL_EVENT]: kind, [KEYS.goalId]: goalId };
  if (fields.status !== undefined) parameters[KEYS.goalStatus] = fields.status;
  if (fields.error !== undefined) parameters[KEYS.error] = fields.error;
  if (fields.deadline !== undefined) parameters[KEYS.deadline] = fields.deadline;
  return parameters;
}
