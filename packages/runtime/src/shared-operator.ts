import type { NodeEvent } from "@rivulet/core";
import type { Operator, SendOutput, Status } from "@rivulet/node";
import type { OperatorHost } from "./operator-host.js";
import { constructOperator, invokeOperator } from "./operator-instance.js";
import { reloadOperator } from "./operator-reload.js";
import type { FailedOperator } from "./runtime-errors.js";

/**
 * An operator on the runtime's own event loop (`thread: shared`): `onEvent` is a plain call, so
 * a chain of shared operators passes a message along without a single await when they answer
 * synchronously. The price: while one of them computes, every other operator of the runtime
 * (and the runtime's own input side) waits.
 */
export class SharedOperator implements OperatorHost {
  #operator: Operator | undefined;

  constructor(
    private readonly at: FailedOperator,
    private readonly sendOutput: SendOutput,
  ) {}

  async start(): Promise<void> {
    this.#operator = await constructOperator(this.at);
  }

  handle(event: NodeEvent): Status | Promise<Status> {
    return invokeOperator(this.#operator!, event, this.sendOutput, this.at);
  }

  async reload(): Promise<void> {
    this.#operator = await reloadOperator(this.#operator!, this.at);
  }

  async dispose(): Promise<void> {
    this.#operator = undefined;
  }
}
