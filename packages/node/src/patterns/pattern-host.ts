import type { InputEvent, PullOptions, SendableValue } from "@rivulet/core";
import type { SendMetadata, SendOutputOptions } from "../node-contract.js";

/**
 * Why an input claim ended: its producer closed the edge (`closed`), failed (`failed`, with the
 * producer's node id and error, from NODE_FAILED), the node stopped (`stopped`: STOP or close),
 * or the pattern let the input go (`released`).
 */
export type ClaimEnd =
  | { reason: "closed" }
  | { reason: "failed"; sourceNodeId: string; error: string }
  | { reason: "stopped" }
  | { reason: "released" };

/**
 * One input taken out of the node's main event loop by a pattern (`request`, `serve`,
 * `stream`...): its INPUT events, in order, go to the claim only; the input's queue size and
 * policy still apply (a backpressure input stays flow-controlled until the claim reads).
 * Control events (INPUT_CLOSED, NODE_FAILED, ERROR) still reach the main loop too; the claim
 * learns of its end through `ended` and `onEnd`. Single consumer.
 */
export interface InputClaim extends AsyncIterable<InputEvent> {
  readonly inputId: string;
  /**
   * The next INPUT event of this input, or `null` when `timeout` passes or the claim has ended
   * (after the events queued before its end).
   * @throws AbortError when `signal` fires.
   */
  recv(options?: PullOptions): Promise<InputEvent | null>;
  /** Why the claim ended; undefined while it is open. */
  readonly ended: ClaimEnd | undefined;
  /** Called once when the claim ends (at once if it already has). */
  onEnd(listener: (end: ClaimEnd) => void): void;
  /**
   * Gives the input up: what is queued and what arrives later is discarded and counted in the
   * input's `discarded`; `ended` becomes `released`. `unread`: events the pattern took from the
   * claim but never handed to the program (read ahead), counted as discarded too. Idempotent.
   */
  release(unread?: number): void;
}

/** Options of `PatternHost.claim`. */
export interface ClaimOptions {
  keepsAlive?: boolean;
  /**
   * The input carries replies correlated by `request_id` or `goal_id` (a service or action
   * client's): replies arriving after the node stopped reading (another client's, sharing the
   * server's output, or one for a request given up) are not reported as lost messages.
   */
  replies?: boolean;
}

/** What a communication pattern needs from its node (the `Node` provides it; tests a loopback fake). */
export interface PatternHost {
  readonly nodeId: string;
  /**
   * Takes input `inputId` out of the main loop for `pattern` (named in errors: "request",
   * "serve", "stream", "sendGoal", "serveActions").
   * @param options.keepsAlive a reader waiting on the claim keeps the process alive, as a
   *   program waiting in the main loop does (a user's `for await` over a stream); false (the
   *   default) for a pattern's own background reader, whose liveness comes from `hold()`.
   * @throws UndeclaredInputError when the node has no such input; InputClaimedError when a
   *   pattern holds it already.
   */
  claim(inputId: string, pattern: string, options?: ClaimOptions): InputClaim;
  sendOutput(outputId: string, data: SendableValue, metadata?: SendMetadata, options?: SendOutputOptions): Promise<void>;
  /** Held while work is pending that must keep the process alive (a request in flight, a server). */
  hold(): void;
  release(): void;
  /** Aborted when the node must stop (STOP, close): patterns end their waits with it. */
  readonly signal: AbortSignal;
  /** Structured log line to the daemon (patterns log what they drop). */
  log(level: "debug" | "info" | "warn" | "error", message: string, fields?: Record<string, string | number | boolean>): void;
}
