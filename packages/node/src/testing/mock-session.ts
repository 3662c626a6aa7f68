import { CONTROL_PROTOCOL_VERSION, type Json, type LogLevel, type Metadata, type NodeConfig, type NodeStatus, type Parameter, type StopEvent } from "@rivulet/core";
import { HybridClock } from "@rivulet/core/internal";
import type { Vector } from "apache-arrow";
import type { NodeHost } from "../node-contract.js";
import { NodeLifecycle } from "../node-lifecycle.js";
import { NodeOutputs } from "../node-outputs.js";
import { OutputChannel } from "../output-channels.js";
import { LoopbackPublisher } from "./loopback-publisher.js";
import { type ScriptedEvent, ScriptedEvents } from "./scripted-events.js";

/** A message the node sent, as a consumer of that output would receive it. */
export interface SentOutput {
  /** The output id. */
  id: string;
  /** The value decoded from the bytes sent, as `event.value` (an Arrow vector). */
  value: Vector;
  /** Its rows as plain JS values, as `event.rows()`: `[2, 4, 6]`, `[{ id: "a", t: 1 }]`. */
  rows: unknown[];
  /** The payload bytes, as `event.data` (for a Uint8Array sent, exactly those bytes). */
  data: Uint8Array;
  /** Parameters, typed fields and the HLC timestamp, as `event.metadata`. */
  metadata: Metadata;
}

/** What the node reported to its host: a log line, a status, a request to stop the dataflow (`node.stopDataflow`). */
export type Report =
  | { type: "log"; level: LogLevel; message: string; fields?: Record<string, Parameter> }
  | { type: "status"; status: NodeStatus }
  | { type: "stop_dataflow"; reason?: string };

/** Options of a mock node (see `runNode`). */
export interface MockNodeInit {
  /** The events the node receives, in order; see `runNode`. */
  events?: readonly ScriptedEvent[];
  /** The node's inputs; omitted, the ids the script names. An INPUT on another id is a ScriptError. */
  inputs?: readonly string[];
  /** The node's outputs; omitted, any id is accepted. A send on another id throws UndeclaredOutputError. */
  outputs?: readonly string[];
  /** Default `node`. */
  nodeId?: string;
  /** What `node.dataflowDescriptor()` returns. */
  descriptor?: unknown;
  /** What `node.settings()` returns (the node's `config:`). */
  settings?: Record<string, Json>;
  /** STOP is ordered (as by Ctrl-C) once the node has sent this many messages: ends a source's loop on `node.signal`. */
  stopAfterOutputs?: number;
}

/**
 * A node's host without daemon or sockets: the start-up barrier is open at once, inputs come
 * from a script (`ScriptedEvents`), and outputs go through the real output side and channels
 * into loopback publishers that record each message as its consumer would decode it. Logs and
 * statuses are recorded too.
 */
export class MockSession implements NodeHost {
  readonly config: NodeConfig;
  readonly lifecycle = new NodeLifecycle();
  readonly inputs: ScriptedEvents;
  readonly outputs: NodeOutputs;
  readonly sent: SentOutput[] = [];
  readonly reports: Report[] = [];
  readonly #clock = new HybridClock();
  #closed: Promise<void> | undefined;

  constructor(init: MockNodeInit = {}) {
    const nodeId = init.nodeId ?? "node";
    const script = init.events ?? [];
    const inputs = init.inputs ?? [...new Set(script.flatMap((step) => ("id" in step && step.id !== undefined ? [step.id] : "affectedInputIds" in step ? step.affectedInputIds : [])))];
    this.config = {
      protocolVersion: CONTROL_PROTOCOL_VERSION,
      dataflowId: "mock",
      nodeId,
      controlSocket: "",
      token: "",
      inputs: inputs.map((id) => ({ id, source: "mock", queueSize: 10, queuePolicy: "drop_oldest" })),
      outputs: (init.outputs ?? []).map((id) => ({ id, channels: [] })),
      descriptor: init.descriptor ?? { nodes: [{ id: nodeId }] },
      ...(init.settings ? { settings: init.settings } : {}),
    };
    this.inputs = new ScriptedEvents(script, { nodeId, inputs, clock: this.#clock, onStop: (reason) => this.lifecycle.stop(reason) });
    this.outputs = new NodeOutputs({
      nodeId,
      declared: this.config.outputs.map((o) => o.id),
      lifecycle: this.lifecycle,
      ready: () => this.ready(),
      log: (level, message) => this.log(level, message),
      open: init.outputs ? undefined : (id) => this.#channel(id, init.stopAfterOutputs),
    });
    for (const id of init.outputs ?? []) this.outputs.add(this.#channel(id, init.stopAfterOutputs));
    this.lifecycle.opened();
  }

  get signal(): AbortSignal {
    return this.lifecycle.signal;
  }

  get keepAlive(): NodeLifecycle["keepAlive"] {
    return this.lifecycle.keepAlive;
  }

  async ready(): Promise<void> {
    await this.lifecycle.settled;
  }

  log(level: LogLevel, message: string, fields?: Record<string, Parameter>): void {
    this.reports.push(fields ? { type: "log", level, message, fields } : { type: "log", level, message });
  }

  status(status: NodeStatus): void {
    this.reports.push({ type: "status", status });
  }

  /** Recorded, then STOP ordered, as the daemon answers every node once the dataflow stops. */
  async stopDataflow(reason?: string): Promise<void> {
    this.reports.push(reason === undefined ? { type: "stop_dataflow" } : { type: "stop_dataflow", reason });
    this.stop();
  }

  /** STOP ordered now (as by the daemon). */
  stop(reason: StopEvent["reason"] = "manual"): void {
    this.inputs.stop(reason);
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.lifecycle.closing();
      this.inputs.close();
      await this.outputs.close();
      this.lifecycle.closed();
    })();
    return this.#closed;
  }

  #channel(id: string, stopAfter: number | undefined): OutputChannel {
    const publisher = new LoopbackPublisher(this.config.nodeId, id, (event) => {
      this.sent.push({ id, value: event.value, rows: event.rows(), data: event.data, metadata: event.metadata });
      if (this.sent.length === stopAfter) this.stop();
    });
    return new OutputChannel({ id, channels: [] }, [publisher], this.#clock);
  }
}
