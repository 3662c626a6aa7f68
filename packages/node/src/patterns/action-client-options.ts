import type { Parameter } from "@rivulet/core";
import type { AskOptions } from "./action-ask.js";

/** Options of `new ActionClient()`. */
export interface ActionClientInit {
  /** The output cancel requests go to (dora's separate `cancel` output); omitted, the goal output. */
  cancelOutput?: string;
  /** Feedback messages kept per goal until the program reads them (oldest dropped first); default 64. */
  feedbackQueueSize?: number;
}

/** Per-call options of `sendGoal`. */
export interface SendGoalOptions {
  /**
   * Milliseconds to wait for the server to accept or reject the goal, counted from the call.
   * Also sent as parameter `deadline` (epoch ms), so a server reading the goal later skips it.
   */
  timeout?: number;
  /** Before the answer: `sendGoal` rejects with AbortError. After: cancels the goal, as `cancel()`. */
  signal?: AbortSignal;
  /** Parameters sent with the goal (the pattern's own keys win). */
  metadata?: Record<string, Parameter>;
}

/** Per-call options of `getResult`: `timeout` (ms) for the server's answer, `signal`. */
export type GetResultOptions = AskOptions;

/** Counters of an ActionClient. */
export interface ActionClientStats {
  /** Goals sent. */
  sent: number;
  accepted: number;
  rejected: number;
  succeeded: number;
  /** Goals ended `aborted`: by the server, or because the server failed or closed or this node stopped. */
  aborted: number;
  canceled: number;
  /** Goals given up before the server answered: acceptance timeout, abort, or a failed send. */
  abandoned: number;
  /** Goals accepted or awaiting acceptance, not ended yet. */
  pending: number;
  /** Messages about goals this client gave up or saw end (dropped). */
  late: number;
  /** Messages about goals of other clients sharing the server (ignored). */
  foreign: number;
  /** Messages on the reply input that are not action replies (ignored). */
  malformed: number;
  /** Feedback messages dropped because the program did not read them in time. */
  feedbackDropped: number;
}
