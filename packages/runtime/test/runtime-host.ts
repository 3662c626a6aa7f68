import { CONTROL_PROTOCOL_VERSION, type LogLevel, type NodeEvent, type Parameter, type PullOptions, type SendableValue } from "@rivulet/core";
import { type InputConfig, type NodeConfig, type OperatorConfig, QueuedIterator } from "@rivulet/core/internal";
import type { SendMetadata, SendOutputOptions } from "@rivulet/node";
import { LocalInput, LocalValue } from "../src/operator-events.js";
import type { RuntimeNode } from "../src/operator-runtime.js";

/** An operator of a test runtime: inputs and outputs by the operator's ids, mapped to `op/id` as an `operators:` list does. */
export interface TestOperator {
  id: string;
  module: string;
  thread?: "shared" | "worker";
  /** Own input id -> source: `timer` (fed by the test), or `op/output` of another operator of the runtime (a local edge). */
  inputs?: Record<string, string>;
  outputs?: string[];
  /** Outputs that also have a consumer outside the runtime (a channel). */
  remote?: string[];
  queue?: Partial<Pick<InputConfig, "queueSize" | "queuePolicy">>;
}

/** What the runtime sent through its node. */
export interface Sent {
  output: string;
  data: SendableValue;
  metadata?: SendMetadata;
  /** performance.now() when it was sent. */
  at: number;
}

/**
 * A runtime node's host for tests: the config a daemon would plan for `operators`, events pushed
 * by the test (`input`, `close`, `stop`), and a record of what went out.
 */
export class RuntimeHost implements RuntimeNode {
  readonly config: NodeConfig;
  readonly sent: Sent[] = [];
  readonly logs: { level: LogLevel; message: string; fields?: Record<string, Parameter> }[] = [];
  readonly stopRequests: (string | undefined)[] = [];
  readonly #queue: NodeEvent[] = [];
  readonly #events: QueuedIterator<NodeEvent>;
  /** Resolves a waiter of `sentCount`. */
  #waiters: (() => void)[] = [];

  constructor(operators: TestOperator[], nodeId = "rt") {
    const inputs: InputConfig[] = [];
    const outputs = new Map<string, number>();
    const configs: OperatorConfig[] = operators.map((op) => {
      const own = op.inputs ?? {};
      for (const [id, source] of Object.entries(own)) {
        const local = source !== "timer";
        inputs.push({ id: `${op.id}/${id}`, source: local ? `${nodeId}/${source}` : "timer", queueSize: op.queue?.queueSize ?? 10, queuePolicy: op.queue?.queuePolicy ?? "drop_oldest", ...(local ? { local: true, producer: nodeId } : {}) });
      }
      for (const output of op.outputs ?? []) outputs.set(`${op.id}/${output}`, op.remote?.includes(output) ? 1 : 0);
      return {
        id: op.id,
        module: op.module,
        language: op.module.endsWith(".ts") ? "typescript" : "javascript",
        thread: op.thread ?? "shared",
        inputs: Object.fromEntries(Object.keys(own).map((id) => [id, `${op.id}/${id}`])),
        outputs: Object.fromEntries((op.outputs ?? []).map((id) => [id, `${op.id}/${id}`])),
      };
    });
    this.config = {
      protocolVersion: CONTROL_PROTOCOL_VERSION,
      dataflowId: "df",
      nodeId,
      controlSocket: "",
      token: "",
      inputs,
      // A remote output has one (fake) channel: the runtime only counts them.
      outputs: [...outputs].map(([id, channels]) => ({ id, channels: Array.from({ length: channels }, () => ({}) as never) })),
      descriptor: {},
      operators: configs,
    };
    const queue = this.#queue;
    this.#events = new QueuedIterator<NodeEvent>({ get length() { return queue.length; }, shift: () => queue.shift() });
  }

  recv(options?: PullOptions): Promise<NodeEvent | null> {
    return this.#events.pull(options);
  }

  async sendOutput(output: string, data: SendableValue, metadata?: SendMetadata, _options?: SendOutputOptions): Promise<void> {
    if (!this.config.outputs.some((o) => o.id === output)) throw new Error(`undeclared ${output}`);
    this.sent.push({ output, data, metadata, at: performance.now() });
    for (const wake of this.#waiters.splice(0)) wake();
  }

  log(level: LogLevel, message: string, fields?: Record<string, Parameter>): void {
    this.logs.push({ level, message, fields });
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async stopDataflow(reason?: string): Promise<void> {
    this.stopRequests.push(reason);
  }

  /** An INPUT on the node's input `id` (`op/input`). */
  input(id: string, value: SendableValue, parameters: Record<string, Parameter> = {}): void {
    this.#push(new LocalInput(id, new LocalValue(value), { timestamp: Date.now() * 1000, parameters }));
  }

  /** The daemon's `reload_operator` for operator `operatorId` (`--watch`). */
  reload(operatorId: string): void {
    this.#push({ type: "RELOAD", operatorId, metadata: { timestamp: 0, parameters: {} } });
  }

  /** Resolves once `count` log lines of `level` were written. */
  async logCount(level: LogLevel, count: number): Promise<void> {
    while (this.logs.filter((l) => l.level === level).length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  close(id: string): void {
    this.#push({ type: "INPUT_CLOSED", id, metadata: { timestamp: 0, parameters: {} } });
  }

  stop(reason: "manual" | "all-inputs-closed" = "manual"): void {
    this.#push({ type: "STOP", reason, metadata: { timestamp: 0, parameters: {} } });
    this.#events.end();
  }

  /** Sends on `output` so far. */
  sentOn(output: string): Sent[] {
    return this.sent.filter((s) => s.output === output);
  }

  /** Resolves once `count` messages went out on `output`. */
  async sentCount(output: string, count: number): Promise<void> {
    while (this.sentOn(output).length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #push(event: NodeEvent): void {
    this.#queue.push(event);
    this.#events.notify();
  }
}
