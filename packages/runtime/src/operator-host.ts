import type { NodeEvent } from "@rivulet/core";
import type { Status } from "@rivulet/node";

/**
 * Where an operator's code runs: on the runtime's own event loop (`SharedOperator`) or on a
 * worker thread (`WorkerOperator`). The runtime's slot of the operator hands it events in order,
 * at most `window` of them unsettled at once; the operator itself sees one at a time.
 */
export interface OperatorHost {
  /**
   * How many events may be handed over before the first one's Status is back (default 1). A
   * worker takes the next ones while it computes, in order, one at a time; an operator on the
   * runtime's thread gets one at a time.
   */
  readonly window?: number;
  /**
   * Loads the module and constructs the operator.
   * @throws OperatorFailedError (`load`, `constructor`) or OperatorExportError.
   */
  start(): Promise<void>;
  /**
   * Calls the operator's `onEvent` with `event`: the Status at once when the operator answered
   * synchronously on this thread, else a promise of it. Promises settle in the order of the calls.
   * @throws (or rejects with) OperatorFailedError (`onEvent`).
   */
  handle(event: NodeEvent): Status | Promise<Status>;
  /**
   * Replaces the operator with one of its module's current version, carrying its state
   * (`reloadOperator`). Called only while no event is unsettled; the next `handle` goes to the
   * new instance.
   * @throws OperatorReloadError; the old instance is kept and goes on handling events.
   */
  reload(): Promise<void>;
  /** Lets go of the operator (a worker thread is terminated). Idempotent. */
  dispose(): Promise<void>;
}
