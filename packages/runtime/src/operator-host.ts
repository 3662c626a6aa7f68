import type { NodeEvent } from "@rivulet/core";
import type { Status } from "@rivulet/node";

/**
 * Where an operator's code runs: on the runtime's own event loop (`SharedOperator`) or on a
 * worker thread (`WorkerOperator`). The runtime's slot of the operator calls it one event at a
 * time, never again before the previous call settled.
 */
export interface OperatorHost {
  /**
   * Loads the module and constructs the operator.
   * @throws OperatorFailedError (`load`, `constructor`) or OperatorExportError.
   */
  start(): Promise<void>;
  /**
   * Calls the operator's `onEvent` with `event`: the Status at once when the operator answered
   * synchronously on this thread, else a promise of it.
   * @throws (or rejects with) OperatorFailedError (`onEvent`).
   */
  handle(event: NodeEvent): Status | Promise<Status>;
  /** Lets go of the operator (a worker thread is terminated). Idempotent. */
  dispose(): Promise<void>;
}
