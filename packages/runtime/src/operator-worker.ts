import { extname } from "node:path";
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import type { NodeEvent } from "@rivulet/core";
import { frameFieldsOf } from "@rivulet/core/internal";
import type { Operator, SendOutput } from "@rivulet/node";
import { constructOperator, invokeOperator } from "./operator-instance.js";
import { OperatorFailedError } from "./runtime-errors.js";
import { type FromWorker, type ToWorker, type WorkerInit, portableError, portableValue, revivedError, revivedEvent } from "./worker-messages.js";

/**
 * The script of a worker thread hosting one operator (`thread: worker`): it constructs the
 * operator, then calls `onEvent` for each event the runtime posts and posts back the Status.
 * `sendOutput` encodes the value here (on the worker's CPU), transfers the bytes to the runtime
 * and resolves when the runtime has handed them on (or rejects with the runtime's error).
 */
const init = workerData as WorkerInit;
const port = parentPort as MessagePort;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
let seq = 0;

const sendOutput: SendOutput = (output, data, metadata, options) => {
  const value = portableValue(data);
  const id = ++seq;
  const fields = options ? frameFieldsOf(options) : undefined;
  return new Promise<void>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    post({ t: "send", seq: id, output, parameters: metadata, fields, ...value }, [value.payload.buffer as ArrayBuffer]);
  });
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
  // Events come one at a time: the runtime waits for each Status before it posts the next.
  port.on("message", (message: ToWorker) => {
    if (message.t === "sent") {
      const waiting = pending.get(message.seq);
      pending.delete(message.seq);
      if (message.error) waiting?.reject(revivedError(message.error));
      else waiting?.resolve();
      return;
    }
    void handle(operator, revivedEvent(message.event));
  });
  post({ t: "ready" });
}

async function handle(operator: Operator, event: NodeEvent): Promise<void> {
  try {
    post({ t: "status", status: await invokeOperator(operator, event, sendOutput, init) });
  } catch (error) {
    post({ t: "failed", phase: "onEvent", error: portableError((error as OperatorFailedError).cause ?? error) });
  }
}

void main();
