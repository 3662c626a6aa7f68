import { Worker } from "node:worker_threads";
import type { NodeEvent } from "@rivulet/core";
import type { SendOutput, Status } from "@rivulet/node";
import type { OperatorHost } from "./operator-host.js";
import { type FailedOperator, OperatorFailedError, OperatorReloadError } from "./runtime-errors.js";
import { type FromWorker, type ToWorker, type WorkerInit, portableError, portableEvent, revivedError, sendableOf } from "./worker-messages.js";

/** Events a worker operator may have queued ahead of the one it is handling. */
const WORKER_WINDOW = 16;

/** The worker script: compiled beside this file (tests that import the sources use the build's). */
const WORKER_SCRIPT = new URL(import.meta.url.endsWith(".ts") ? "../dist/operator-worker.js" : "./operator-worker.js", import.meta.url);

/**
 * An operator on a worker thread of its own (`thread: worker`): isolation. However long its
 * `onEvent` computes, the runtime's event loop and the other operators go on. Each event is
 * encoded and transferred to the worker, and each value the operator sends encoded there and
 * transferred back (the runtime decodes it and sends it on), so a message costs a few tens of
 * microseconds more than on a shared operator.
 */
export class WorkerOperator implements OperatorHost {
  /** Events posted ahead while the worker computes: its thread round trip is not paid per event. */
  readonly window = WORKER_WINDOW;
  #worker: Worker | undefined;
  /** The calls of `handle` waiting for their Status, in order. */
  readonly #waiting: { resolve: (status: Status) => void; reject: (error: Error) => void }[] = [];
  #started: { resolve: () => void; reject: (error: Error) => void } | undefined;
  /** The call of `reload` waiting for the worker's answer. */
  #reloading: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #ready = false;
  #failure: Error | undefined;
  #disposed = false;

  constructor(
    private readonly at: FailedOperator,
    private readonly sendOutput: SendOutput,
    /** The operator failed outside a call of `handle` (a timer of its own threw, the thread died). */
    private readonly onFailure: (error: Error) => void,
  ) {}

  start(): Promise<void> {
    const init: WorkerInit = { nodeId: this.at.nodeId, operatorId: this.at.operatorId, file: this.at.file };
    const worker = new Worker(WORKER_SCRIPT, { workerData: init, stderr: false, stdout: false });
    this.#worker = worker;
    worker.on("message", (message: FromWorker) => this.#onMessage(message));
    worker.on("error", (error) => this.#fail(new OperatorFailedError(this.at, "onEvent", error)));
    worker.on("exit", (code) => {
      if (!this.#disposed) this.#fail(new OperatorFailedError(this.at, "onEvent", new Error(`the operator's worker thread exited (code ${code})`)));
    });
    return new Promise<void>((resolve, reject) => (this.#started = { resolve, reject }));
  }

  handle(event: NodeEvent): Promise<Status> {
    if (this.#failure) return Promise.reject(this.#failure);
    const { event: portable, transfer } = portableEvent(event);
    return new Promise<Status>((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#post({ t: "event", event: portable }, transfer);
    });
  }

  /**
   * The worker reloads the module on its own thread, between two events, so the state is
   * carried there as it is for a shared operator (nothing is cloned) and the thread goes on.
   */
  reload(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      this.#reloading = { resolve, reject };
      this.#post({ t: "reload" });
    });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#worker?.terminate();
  }

  #onMessage(message: FromWorker): void {
    switch (message.t) {
      case "ready":
        this.#ready = true;
        this.#started?.resolve();
        return;
      case "status":
        this.#waiting.shift()?.resolve(message.status);
        return;
      case "reloaded": {
        const reloading = this.#reloading;
        this.#reloading = undefined;
        if (!message.error) return reloading?.resolve();
        // Rebuilt here with the worker's text and position (the cause's stack stays on its thread).
        const error = new OperatorReloadError(this.at, Object.assign(revivedError(message.error), { line: message.line, column: message.column }));
        return reloading?.reject(Object.assign(error, { message: message.error.message }));
      }
      case "send":
        // Through a promise, so that a refusal thrown at once (an undeclared output) is the ack's error too.
        Promise.resolve()
          .then(() => this.sendOutput(message.output, sendableOf(message), message.parameters, message.fields))
          .then(
            () => this.#post({ t: "sent", seq: message.seq }),
            (error: unknown) => this.#post({ t: "sent", seq: message.seq, error: portableError(error) }),
          );
        return;
      case "failed": {
        const cause = revivedError(message.error);
        if (message.phase === "module") return this.#fail(Object.assign(cause, { nodeId: this.at.nodeId, operatorId: this.at.operatorId, file: this.at.file }));
        return this.#fail(new OperatorFailedError(this.at, message.phase, cause));
      }
    }
  }

  #post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (!this.#disposed) this.#worker?.postMessage(message, transfer);
  }

  /** The first failure wins: it rejects whatever waits for the operator, or is reported. */
  #fail(error: Error): void {
    if (this.#failure || this.#disposed) return;
    this.#failure = error;
    const started = this.#started;
    const waiting = this.#waiting.splice(0);
    this.#reloading?.reject(error);
    this.#reloading = undefined;
    if (waiting.length > 0) for (const call of waiting) call.reject(error);
    else if (started && !this.#ready) started.reject(error);
    else this.onFailure(error);
  }
}
