import { extname } from "node:path";
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import type { NodeEvent } from "@rivulet/core";
import { frameFieldsOf } from "@rivulet/core/internal";
import { type Operator, type SendOutput, Status } from "@rivulet/node";
import { constructOperator, invokeOperator } from "./operator-instance.js";
import { reloadOperator } from "./operator-reload.js";
import { OperatorFailedError, type OperatorReloadError } from "./runtime-errors.js";
import { type FromWorker, type ToWorker, type WorkerInit, portableError, portableValue, revivedEvent } from "./worker-messages.js";

/**
 * The script of a worker thread hosting one operator (`thread: worker`): it constructs the
 * operator, then calls `onEvent` for each event the runtime posts and posts back the Status.
 * `sendOutput` encodes the value here (on the worker's CPU) and transfers the bytes to the
 * runtime, which sends them on (see SEND_WINDOW for when it waits).
 */
const init = workerData as WorkerInit;
const port = parentPort as MessagePort;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
/**
 * Sends posted and not yet handed on by the runtime. `sendOutput` resolves at once while fewer
 * than SEND_WINDOW are, so a worker does not wait a thread round trip per message; beyond that
 * it waits for the runtime (whose own sends wait for backpressure consumers): flow control. A
 * send the runtime refuses (an undeclared output) fails the operator.
 */
const SEND_WINDOW = 64;
let unacknowledged = 0;
const windowWaiters: (() => void)[] = [];
let seq = 0;

const sendOutput: SendOutput = async (output, data, metadata, options) => {
  while (unacknowledged >= SEND_WINDOW) await new Promise<void>((resolve) => windowWaiters.push(resolve));
  const value = portableValue(data);
  const fields = options ? frameFieldsOf(options) : undefined;
  unacknowledged++;
  post({ t: "send", seq: ++seq, output, parameters: metadata, fields, ...value }, [value.payload.buffer as ArrayBuffer]);
};

async function main(): Promise<void> {
  // TypeScript operators: the loader the runtime process was started with does not reach workers.
  if ([".ts", ".mts", ".cts"].includes(extname(init.file))) (await import("tsx/esm/api")).register();
  let operator: Operator;
  try {
    operator = await constructOperator(init);
  } catch (error) {
    post({ t: "failed", phase: error instanceof OperatorFailedError ? error.phase : "module", error: portableError(error instanceof OperatorFailedError ? error.cause : error) });
    return;
  }
  // The runtime posts events ahead (a window): they are handled here one at a time, in order.
  let queue = Promise.resolve();
  port.on("message", (message: ToWorker) => {
    if (message.t === "sent") {
      unacknowledged--;
      windowWaiters.shift()?.();
      if (message.error) post({ t: "failed", phase: "onEvent", error: message.error });
      return;
    }
    if (message.t === "reload") {
      // In the queue: after every event posted before it, before every one posted after.
      queue = queue.then(async () => {
        try {
          operator = await reloadOperator(operator, init);
          post({ t: "reloaded" });
        } catch (error) {
          const { line, column } = error as OperatorReloadError;
          post({ t: "reloaded", error: portableError(error), line, column });
        }
      });
      return;
    }
    const event = revivedEvent(message.event);
    queue = queue.then(() => handle(operator, event));
  });
  post({ t: "ready" });
}

/** True once the operator returned STOP or STOP_ALL, got STOP, or failed: events posted ahead are not handed to it. */
let ended = false;

async function handle(operator: Operator, event: NodeEvent): Promise<void> {
  if (ended) return post({ t: "status", status: Status.CONTINUE });
  try {
    const status = await invokeOperator(operator, event, sendOutput, init);
    ended = event.type === "STOP" || status !== Status.CONTINUE;
    post({ t: "status", status });
  } catch (error) {
    ended = true;
    post({ t: "failed", phase: "onEvent", error: portableError((error as OperatorFailedError).cause ?? error) });
  }
}

void main();
