import type { InputEvent, Parameter, SendableValue } from "@rivulet/core";

/** What `execute` gets besides the goal. */
export interface GoalContext {
  readonly goalId: string;
  /**
   * Aborts when the goal is canceled (the status is `canceling`; the goal ends `canceled` once
   * `execute` settles, with what it returned as the result) or the server stops serving (STOP,
   * `close()`, the client's node failed: the goal ends `aborted`, whatever `execute` does).
   */
  readonly signal: AbortSignal;
  /**
   * Sends a feedback message to the client. After the goal ended it sends nothing.
   * @throws what `sendOutput` throws (InvalidParameterError for bad `metadata`...).
   */
  feedback(value: SendableValue, metadata?: Record<string, Parameter>): Promise<void>;
}

/** What an action server does with goals. */
export interface ActionHandlers {
  /** Accepts (true) or rejects (false) a goal; default: accept. Throwing rejects it, with the message as `error`. */
  onGoal?: (goal: InputEvent) => boolean | Promise<boolean>;
  /**
   * Runs an accepted goal; what it returns is the result (nothing: none, sent as null). Throwing aborts the
   * goal (the client's result is `aborted`, the message in `error`); the server logs it and serves on.
   * Do not modify a returned buffer afterwards: it is kept for the result TTL.
   */
  execute: (goal: InputEvent, context: GoalContext) => Promise<SendableValue | void> | SendableValue | void;
  /** An input for cancel requests (dora's separate `cancel` edge); cancels on the goal input are always read. */
  cancelInput?: string;
  /** How long a finished goal's outcome is kept, from its terminal state; default 60 000 ms. */
  resultTtlMs?: number;
}

/** Counters of an ActionServer. */
export interface ActionServerStats {
  /** Goal messages read (not counting expired, duplicate or malformed ones). */
  goals: number;
  accepted: number;
  rejected: number;
  /** Goals skipped because their `deadline` had passed (the client gave up). */
  expired: number;
  succeeded: number;
  aborted: number;
  canceled: number;
  cancelRequests: number;
  resultRequests: number;
  /** Goals accepted or being decided, not ended yet. */
  active: number;
  /** Finished goals' outcomes kept for the result TTL. */
  kept: number;
  /** Messages that are not action requests, or goals with an id already in use (ignored). */
  malformed: number;
}
