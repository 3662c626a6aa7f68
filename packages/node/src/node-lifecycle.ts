import { setMaxListeners } from "node:events";
import type { StopEvent } from "@rivulet/core";
import { KeepAlive } from "./keep-alive.js";

/**
 * Where a node is in its life; one value, changed only by the methods of `NodeLifecycle`.
 *
 * - `starting`: joining the dataflow (registering, publishing, subscribing) and waiting at the
 *   start-up barrier; sends wait for it.
 * - `running`: the barrier opened; sends go out.
 * - `finished`: every input closed (STOP `all-inputs-closed`): no more events, but sends still
 *   go out, and a later STOP from the daemon changes nothing.
 * - `stopped`: STOP ordered (daemon, Ctrl-C, `--stop-after`, daemon lost) after the barrier
 *   opened: sends are discarded and counted. Final: `close()` keeps it.
 * - `aborted`: STOP ordered before the barrier opened: the node never ran; sends reject with
 *   NodeStoppedError. Final: `close()` keeps it.
 * - `failed`: the node could not join the dataflow; sends reject with the reason.
 * - `closing`, `closed`: the program closed the node (or had nothing left to do); sends go to
 *   outputs that are closing, which refuse them once closed.
 */
export type NodeState = "starting" | "running" | "finished" | "stopped" | "aborted" | "failed" | "closing" | "closed";

/** What a send does in the current state (`NodeLifecycle.sendRule`). */
export type SendRule = "wait" | "send" | "discard" | "refuse";

/**
 * A node's state (`NodeState`), the start-up barrier's outcome (`settled`), the abort signal
 * the program watches (`signal`) and the handle that keeps the process alive while the program
 * waits (`keepAlive`). Shared by every host of a node: the daemon's and the testing helper's.
 */
export class NodeLifecycle {
  #state: NodeState = "starting";
  #error: Error | undefined;
  readonly #halt = new AbortController();
  readonly #settled: Promise<void>;
  #settle!: () => void;
  readonly keepAlive = new KeepAlive();

  constructor() {
    this.#settled = new Promise<void>((resolve) => (this.#settle = resolve));
    // Every send waiting for a backpressure consumer listens to the signal while it waits:
    // 1,000 requests in flight are 1,000 listeners, not a leak (each goes when its send settles).
    setMaxListeners(0, this.#halt.signal);
  }

  get state(): NodeState {
    return this.#state;
  }

  /** Aborted on STOP ordered (not on all inputs closed) and on close. */
  get signal(): AbortSignal {
    return this.#halt.signal;
  }

  /**
   * Resolves once the barrier's outcome is known: it opened, the node stopped, or it failed to
   * join. Never rejects (see `failure`).
   */
  get settled(): Promise<void> {
    return this.#settled;
  }

  /** Why the node could not join the dataflow, in state `failed`. */
  get failure(): Error | undefined {
    return this.#error;
  }

  /** The start-up barrier opened. */
  opened(): void {
    if (this.#state === "starting") this.#state = "running";
    this.#settle();
  }

  /**
   * STOP: ordered (`manual`, `daemon-lost`) or because every input closed. Ordered, it aborts
   * `signal`; from `starting` it leaves the node `aborted` (it never ran). Ignored once the
   * node finished, stopped or is closing.
   */
  stop(reason: StopEvent["reason"]): void {
    const state = this.#state;
    if (state !== "starting" && state !== "running") return;
    if (reason === "all-inputs-closed") this.#state = "finished";
    else {
      this.#state = state === "starting" ? "aborted" : "stopped";
      this.#halt.abort();
    }
    this.#settle();
  }

  /** The node could not join the dataflow. */
  fail(error: Error): void {
    if (this.#state === "starting") {
      this.#state = "failed";
      this.#error = error;
    }
    this.#settle();
  }

  /** The program closes the node: `signal` aborts; a stopped or aborted node keeps its state. */
  closing(): void {
    this.#halt.abort();
    if (this.#state !== "stopped" && this.#state !== "aborted") this.#state = "closing";
  }

  /** Everything is closed; the keep-alive handle is dropped once nothing holds it. */
  closed(): void {
    if (this.#state === "closing") this.#state = "closed";
    this.keepAlive.dispose();
  }

  /**
   * What a send does now: `wait` for the barrier (or for the reason the node failed), `send`,
   * `discard` (counted: STOP came after the node ran), or `refuse` (NodeStoppedError: STOP came
   * before the barrier opened).
   */
  sendRule(): SendRule {
    switch (this.#state) {
      case "starting":
      case "failed":
        return "wait";
      case "stopped":
        return "discard";
      case "aborted":
        return "refuse";
      default:
        return "send";
    }
  }
}
