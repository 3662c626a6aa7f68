import type { LogLevel, NodeConfig, NodeEvent, NodeStatus, Parameter, PullOptions, SendableValue, TransportPlugins } from "@rivulet/core";
import { readNodeConfig } from "@rivulet/core/internal";
import { DaemonSession } from "./daemon-session.js";
import type { InputStats } from "./input-queues.js";
import type { EventSource, NodeHost, OutputSink, SendMetadata, SendOutputOptions } from "./node-contract.js";
import type { OutputStats } from "./output-channels.js";
import type { RawSample } from "./raw-samples.js";

/** Options of `new Node()`. */
export interface NodeInit {
  /** The node's configuration; read from RIVULET_NODE_CONFIG when omitted. */
  config?: NodeConfig;
  /** Transport plugins by kind, used instead of importing the module the plan names (tests; plugins given to the daemon directly). */
  transports?: TransportPlugins;
}

/** Counters for `node.stats()`. */
export interface NodeStats {
  inputs: Record<string, InputStats>;
  outputs: Record<string, OutputStats>;
}

/**
 * A Rivulet node: the events of its inputs as an async iterable, and its outputs.
 *
 * The node connects to the daemon as soon as it is constructed, subscribes to its inputs and
 * publishes its outputs, then waits at the start-up barrier until every node of the dataflow
 * is up; `sendOutput` waits for that barrier, so nothing sent at start-up is lost.
 *
 * The process stays alive while the node's event stream is being awaited; when the program's
 * own work is done the node closes its outputs (consumers get INPUT_CLOSED) and the process
 * exits.
 *
 * A node is made of an input side, an output side and a lifecycle (`NodeHost`): the daemon's
 * by default; `@rivulet/node/testing` passes its own (scripted events, recorded outputs).
 */
export class Node implements EventSource, OutputSink {
  readonly config: NodeConfig;
  readonly #host: NodeHost;

  /**
   * @param host what the node is made of; omitted, a session with the daemon named by the
   *   config (the testing helper passes one without daemon or sockets).
   */
  constructor(init: NodeInit = {}, host?: NodeHost) {
    this.config = init.config ?? readNodeConfig();
    this.#host = host ?? new DaemonSession(this.config, init.transports);
  }

  /** This node's id in the dataflow. */
  get id(): string {
    return this.config.nodeId;
  }

  /**
   * Aborted when the node must stop: STOP from the daemon (`--stop-after`, Ctrl-C, a failed
   * start-up), the daemon connection lost, or `close()`. A source that never reads events
   * watches it: `while (!node.signal.aborted) { ... }`, and passes it to its timers and
   * fetches so they end at STOP. Not aborted when all inputs closed (the node may still send).
   */
  get signal(): AbortSignal {
    return this.#host.signal;
  }

  /** The event stream; single consumer. Ends after STOP. */
  [Symbol.asyncIterator](): AsyncIterator<NodeEvent> {
    return this.#host.inputs[Symbol.asyncIterator]();
  }

  /**
   * The next event, or `null` when `timeout` ms pass first or the stream has ended.
   * @throws AbortError when `signal` fires; ConcurrentPullError if another recv is waiting.
   */
  recv(options?: PullOptions): Promise<NodeEvent | null> {
    return this.#host.inputs.recv(options);
  }

  /** Same as `recv` (dora's name for the async variant; every wait here is async). */
  recvAsync(options?: PullOptions): Promise<NodeEvent | null> {
    return this.#host.inputs.recv(options);
  }

  /**
   * Resolves when every node of the dataflow is up (the start-up barrier).
   * @throws ControlPlaneError if the node could not join the dataflow.
   */
  ready(): Promise<void> {
    return this.#host.ready();
  }

  /**
   * Sends `data` on output `outputId` to every consumer. Accepts Arrow vectors and tables,
   * Uint8Array (sent raw), typed arrays, and plain values and arrays (numbers become Float64,
   * bigints Int64, strings Utf8, booleans Bool, objects a struct). Waits for the start-up
   * barrier on first use; afterwards resolves at once unless a consumer uses `backpressure`
   * and is behind. Consumers that fall behind with `drop_oldest` lose their oldest messages.
   * Large payloads are handed to the transport without a copy: as with `socket.write`, do not
   * modify a buffer after passing it (allocate a new one per message).
   *
   * After STOP (see `signal`) nothing is sent. A send after STOP resolves without sending and
   * counts the message as `discarded` in the output's stats, so a node finishing the event it
   * was working on when STOP came does not fail. A send that was waiting for the start-up
   * barrier when the run gave up (the barrier never opened) rejects with NodeStoppedError: the
   * node never ran. A send already handed to the transport and waiting for a backpressure
   * consumer resolves at STOP (its message may still arrive, or be counted as discarded by the
   * consumer).
   * @throws UndeclaredOutputError when the descriptor does not list `outputId` for this node.
   * @throws InvalidParameterError when a parameter is nested, not finite, a bigint, or otherwise
   *   not a boolean, number, string or array of one of those (checked before anything is sent).
   * @throws NodeStoppedError when STOP came before the start-up barrier opened.
   */
  sendOutput(outputId: string, data: SendableValue, metadata?: SendMetadata, options?: SendOutputOptions): Promise<void> {
    return this.#host.outputs.sendOutput(outputId, data, metadata, options);
  }

  /**
   * A raw message written in place: resolves to `{ data, send() }` with `data` of `length` bytes
   * (inside shared memory when the output's transport lends it: zero copy). Fill `data`, then
   * `await send()` once; the same rules as `sendOutput` apply (barrier, STOP, backpressure). Do
   * not touch `data` after `send()`. A sample never sent goes back to its transport when it is
   * garbage collected or the node closes.
   * @throws UndeclaredOutputError, InvalidParameterError, NodeStoppedError as sendOutput;
   *   RangeError for a length that is not a whole number of bytes.
   */
  sendOutputRaw(outputId: string, length: number, metadata?: SendMetadata, options?: SendOutputOptions): Promise<RawSample> {
    return this.#host.outputs.sendOutputRaw(outputId, length, metadata, options);
  }

  /** Sends a structured log line to the daemon (shown with the node id, kept in the run's logs). */
  log(level: LogLevel, message: string, fields?: Record<string, Parameter>): void {
    this.#host.log(level, message, fields);
  }

  /** Sets the node's status as shown to users (Node-BLUE style). */
  status(status: NodeStatus): void {
    this.#host.status(status);
  }

  /**
   * Asks the daemon to stop the whole dataflow, as `rivulet stop` or Ctrl-C would: every node,
   * this one too, gets STOP (this node's loop ends as on any STOP), and the run ends with
   * success unless a node fails. The run's events and log name this node and `reason`. A
   * request while the dataflow is already stopping changes nothing. Resolves once the request is
   * on its way, after the node has registered with the daemon (waiting for that if needed).
   * @throws ControlPlaneError when the node could not join the dataflow, or its control
   *   connection is closed (after `close()`).
   */
  stopDataflow(reason?: string): Promise<void> {
    return this.#host.stopDataflow(reason);
  }

  /** The whole dataflow descriptor (the YAML as plain data). */
  dataflowDescriptor(): unknown {
    return this.config.descriptor;
  }

  /**
   * Counters per input (received; dropped by the queue policy or by its subscription itself,
   * `Subscription.drops`; discarded at stop; pending) and per output (sent: handed to the
   * transports, not deliveries; dropped on the publishing side; discarded: sends after STOP;
   * subscribers). Pending drop_oldest bounds are applied first: the counts agree with the daemon's.
   */
  stats(): NodeStats {
    const outputs = this.#host.outputs.stats();
    return { inputs: this.#host.inputs.stats(), outputs };
  }

  /**
   * Closes outputs (consumers get INPUT_CLOSED after everything sent before), inputs and the
   * daemon connection. Called automatically when the program has nothing left to do.
   * Idempotent.
   */
  close(): Promise<void> {
    return this.#host.close();
  }
}
