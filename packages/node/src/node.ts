import { type DropCounts, type FrameFields, type FrameLease, type LogLevel, type Metadata, type NodeConfig, type NodeEvent, type NodeStatus, NodeStoppedError, type Parameter, type PullOptions, type SendableValue, type TransportPlugins, UndeclaredOutputError } from "@rivulet/core";
import { type DaemonToNode, type DecodedFrame, HybridClock, QueuedIterator, decodeFrame, frameFieldsOf, readNodeConfig, waitFor } from "@rivulet/core/internal";
import { ControlClient } from "./control-client.js";
import { DropReporter } from "./drop-reporter.js";
import type { LazyInputEvent } from "./input-event.js";
import { InputFrames } from "./input-frames.js";
import { type InputStats, InputQueues } from "./input-queues.js";
import { closeBeforeExit, forgetBeforeExit } from "./open-nodes.js";
import { OutputChannel, type OutputStats } from "./output-channels.js";
import { NodeTransports } from "./node-transports.js";
import { checkParameters, parametersOf } from "./parameters.js";
import { InputSubscriptions } from "./input-subscriptions.js";
import { type RawSample, RawSamples } from "./raw-samples.js";

/** Options of `new Node()`. */
export interface NodeInit {
  /** The node's configuration; read from RIVULET_NODE_CONFIG when omitted. */
  config?: NodeConfig;
  /** Transport plugins by kind, used instead of importing the module the plan names (tests; plugins given to the daemon directly). */
  transports?: TransportPlugins;
}

/**
 * Options of `sendOutput`: an abort signal, and the frame's typed fields (`fin`, `flush`,
 * `requestId`, `goalId`, `streamSeq`, `trace`), which receivers read from `event.metadata`.
 */
export interface SendOutputOptions extends FrameFields {
  /** Aborts a send that waits for a flow-controlled (backpressure) consumer. */
  signal?: AbortSignal;
}

/** Parameters to send: a flat dict, or an input event's `metadata` to pass its parameters on. */
export type SendMetadata = Record<string, Parameter> | Metadata;

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
 */
export class Node implements AsyncIterable<NodeEvent> {
  readonly config: NodeConfig;
  readonly #clock = new HybridClock();
  readonly #queues: InputQueues;
  readonly #events: QueuedIterator<NodeEvent>;
  readonly #control: ControlClient;
  readonly #transports: NodeTransports;
  readonly #outputs = new Map<string, OutputChannel>();
  readonly #rawSamples = new RawSamples();
  /** Each input's planned channel id and the types its producer defined by id. */
  readonly #frames: InputFrames;
  readonly #inputs: InputSubscriptions;
  /** Aborts every wait of the node (subscriptions still connecting) on STOP or close. */
  readonly #shutdown = new AbortController();
  /** Aborted on STOP from the daemon, loss of the daemon, or close: `node.signal`. */
  readonly #halt = new AbortController();
  readonly #started: Promise<void>;
  readonly #ready: Promise<void>;
  #resolveReady!: () => void;
  #isReady = false;
  /** The start-up barrier opened (the daemon said `ready`; not a ready resolved by STOP). */
  #barrierOpened = false;
  /** STOP came from the daemon (or the daemon was lost): sends go nowhere from now on. */
  #stopOrdered = false;
  #warnedSendAfterStop = false;
  #stopped = false;
  #closed: Promise<void> | undefined;
  readonly #dropReporter = new DropReporter(
    () => this.#dropCounts(),
    (drops) => this.#control.send({ t: "drops", drops }),
  );

  constructor(init: NodeInit = {}) {
    this.config = init.config ?? readNodeConfig();
    this.#transports = new NodeTransports({ ...init.transports }, this.config);
    this.#frames = new InputFrames(this.config.nodeId);
    this.#inputs = new InputSubscriptions(this.config.nodeId, this.#transports, this.#shutdown.signal, {
      onFrame: (id, frame, lease) => this.#onFrame(id, frame, lease),
      onLost: (id, error) => this.#queues.pushControl({ type: "ERROR", id, error, metadata: this.#meta() }),
      onClosed: (id) => this.#inputClosed(id),
      stopped: () => this.#stopped,
    });
    this.#queues = new InputQueues({
      onFull: (id) => this.#inputs.get(id)?.pause(),
      onSpace: (id) => this.#inputs.get(id)?.resume(),
      onTaken: (id) => this.#inputs.get(id)?.consumed?.(1),
      // Lent memory (shared memory) goes back by the rule of InputEvent.retain.
      onDropped: (event) => (event as LazyInputEvent).drop(),
      onMovedOn: (event) => (event as LazyInputEvent).settle(),
    });
    for (const input of this.config.inputs) {
      this.#queues.addInput(input.id, input.queueSize, input.queuePolicy, input.channel !== undefined);
      this.#inputs.open(input.id);
      if (input.channel?.channelId !== undefined) this.#frames.expectChannel(input.id, input.channel.channelId);
    }
    this.#control = new ControlClient(
      this.config,
      (message) => this.#onControl(message),
      () => this.#stop("daemon-lost"),
    );
    this.#events = new QueuedIterator(this.#queues, (waiting) => (waiting ? this.#control.hold() : this.#control.release()));
    this.#ready = new Promise<void>((resolve) => {
      this.#resolveReady = () => {
        this.#isReady = true;
        resolve();
      };
    });
    this.#started = this.#start();
    this.#started.catch((error: Error) => {
      this.#events.fail(error);
      this.#resolveReady();
    });
    closeBeforeExit(this);
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
    return this.#halt.signal;
  }

  /** The event stream; single consumer. Ends after STOP. */
  [Symbol.asyncIterator](): AsyncIterator<NodeEvent> {
    return this.#events;
  }

  /**
   * The next event, or `null` when `timeout` ms pass first or the stream has ended.
   * @throws AbortError when `signal` fires; ConcurrentPullError if another recv is waiting.
   */
  recv(options?: PullOptions): Promise<NodeEvent | null> {
    return this.#events.pull(options);
  }

  /** Same as `recv` (dora's name for the async variant; every wait here is async). */
  recvAsync(options?: PullOptions): Promise<NodeEvent | null> {
    return this.#events.pull(options);
  }

  /**
   * Resolves when every node of the dataflow is up (the start-up barrier).
   * @throws ControlPlaneError if the node could not join the dataflow.
   */
  async ready(): Promise<void> {
    await this.#control.holding(this.#started);
    await this.#control.holding(this.#ready);
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
  async sendOutput(outputId: string, data: SendableValue, metadata?: SendMetadata, options?: SendOutputOptions): Promise<void> {
    // Checked first: a program error is reported whether or not the message could go out.
    const parameters = checkParameters(parametersOf(metadata), this.id);
    if (!this.#isReady) await this.#whenStarted(outputId);
    const output = this.#outputs.get(outputId);
    if (this.#stopOrdered) {
      if (!this.#barrierOpened) throw new NodeStoppedError(this.id, outputId);
      if (output) return this.#discardAfterStop(output);
    }
    if (!output) throw new UndeclaredOutputError(this.id, outputId, this.config.outputs.map((o) => o.id));
    const wait = output.send(data, parameters, options?.signal, options && frameFieldsOf(options));
    if (wait) await this.#control.holding(this.#untilHalted(wait));
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
  async sendOutputRaw(outputId: string, length: number, metadata?: SendMetadata, options?: SendOutputOptions): Promise<RawSample> {
    const parameters = checkParameters(parametersOf(metadata), this.id);
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`sendOutputRaw('${outputId}'): length must be a whole number of bytes, not ${length}`);
    if (!this.#isReady) await this.#whenStarted(outputId);
    const output = this.#outputs.get(outputId);
    if (this.#stopOrdered && !this.#barrierOpened) throw new NodeStoppedError(this.id, outputId);
    if (!output) throw new UndeclaredOutputError(this.id, outputId, this.config.outputs.map((o) => o.id));
    const reserved = output.reserve(length, parameters, options && frameFieldsOf(options));
    return this.#rawSamples.track(this.id, outputId, reserved, async (sample) => {
      if (this.#stopOrdered) {
        sample.abandon();
        return this.#discardAfterStop(output);
      }
      const wait = sample.send(options?.signal);
      if (wait) await this.#control.holding(this.#untilHalted(wait));
    });
  }

  /**
   * A send after STOP: counted, not sent. The first one also tells the user (through the run's
   * log) how to end such a loop, since a program that never reads events would otherwise keep
   * sending into nothing until it is killed at the end of the grace.
   */
  #discardAfterStop(output: OutputChannel): void {
    if (output.stats().discarded === 0 && !this.#warnedSendAfterStop) {
      this.#warnedSendAfterStop = true;
      this.log("info", `sendOutput('${output.config.id}') after STOP: nothing is sent; end the loop when node.signal is aborted`);
    }
    output.discard();
  }

  /** A send's wait, ended early (resolved) by STOP: the frame was already handed over. */
  async #untilHalted(wait: Promise<void>): Promise<void> {
    try {
      await waitFor<void>(
        (resolve, reject) => {
          wait.then(resolve, reject);
        },
        { signal: this.#halt.signal },
      );
    } catch (error) {
      if (!this.#halt.signal.aborted || (error as Error).name !== "AbortError") throw error;
      // The transport's own wait is settled later (close wakes it); nothing listens any more.
      wait.catch(() => {});
    }
  }

  /** Sends a structured log line to the daemon (shown with the node id, kept in the run's logs). */
  log(level: LogLevel, message: string, fields?: Record<string, Parameter>): void {
    this.#control.send({ t: "log", level, message, fields });
  }

  /** Sets the node's status as shown to users (Node-BLUE style). */
  status(status: NodeStatus): void {
    this.#control.send({ t: "status", status });
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
    const outputs: Record<string, OutputStats> = {};
    for (const [id, output] of this.#outputs) outputs[id] = output.stats();
    const inputs = this.#queues.stats();
    for (const [id, input] of Object.entries(inputs)) input.dropped += this.#inputs.get(id)?.drops ?? 0;
    return { inputs, outputs };
  }

  /**
   * Closes outputs (consumers get INPUT_CLOSED after everything sent before), inputs and the
   * daemon connection. Called automatically when the program has nothing left to do.
   * Idempotent.
   */
  close(): Promise<void> {
    forgetBeforeExit(this);
    // Held so the process stays alive until every output is flushed to its consumers.
    this.#closed ??= this.#control.holding(this.#close());
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#shutdown.abort();
    this.#halt.abort();
    // The program is done reading: later arrivals (and what it left queued) are discarded,
    // counted, and no longer reported as queue drops while the outputs flush.
    this.#queues.closeIntake();
    this.#queues.settle();
    this.#rawSamples.abandonAll();
    await this.#started.catch(() => {});
    await Promise.all([...this.#outputs.values()].map((o) => o.close()));
    this.#dropReporter.stop();
    this.#control.send({ t: "outputs_closed", drops: this.#dropCounts() });
    this.#stopped = true;
    this.#inputs.clear();
    this.#events.end();
    await this.#transports.close();
    await this.#control.close();
  }

  async #whenStarted(outputId: string): Promise<void> {
    if (!this.config.outputs.some((o) => o.id === outputId)) {
      throw new UndeclaredOutputError(this.id, outputId, this.config.outputs.map((o) => o.id));
    }
    await this.ready();
  }

  async #start(): Promise<void> {
    // Not aborted by close(): a node closed while joining still joins, then ends cleanly.
    const registered = await this.#control.connect();
    if (registered.transports) this.#transports.configure(registered.transports);
    const stallHooks = {
      onStall: (output: string, waitedMs: number) => this.#control.send({ t: "output_stalled", output, waitedMs }),
      onResume: (output: string, waitedMs: number) => this.#control.send({ t: "output_resumed", output, waitedMs }),
    };
    await Promise.all(
      this.config.outputs.map(async (output) => {
        const publishers = await Promise.all(output.channels.map(async (channel) => (await this.#transports.for(channel)).publish(channel)));
        this.#outputs.set(output.id, new OutputChannel(output, publishers, this.#clock, stallHooks, this.config.stallReportMs));
      }),
    );
    await Promise.all(this.config.inputs.filter((input) => input.channel).map((input) => this.#inputs.subscribe(input)));
    this.#control.send({ t: "subscribed" });
    // Drops are reported while the run goes on, not only at close.
    if (!this.#closed) this.#dropReporter.start();
  }

  /** Drop totals by input and output (only those with drops); an input's include its discarded messages. */
  #dropCounts(): DropCounts {
    const stats = this.stats();
    const drops: DropCounts = { inputs: {}, outputs: {} };
    for (const [id, s] of Object.entries(stats.inputs)) if (s.dropped + s.discarded > 0) drops.inputs[id] = s.dropped + s.discarded;
    for (const [id, s] of Object.entries(stats.outputs)) if (s.dropped + s.discarded > 0) drops.outputs[id] = s.dropped + s.discarded;
    return drops;
  }

  /**
   * A data frame from an input's transport: a message becomes an INPUT event (its type resolved
   * now when it names one by id); a TYPE_DEFINITION is recorded in the input's type table and
   * is not a message. Bad bytes, or an id no definition named, are an ERROR event. Lent bytes
   * (`lease`) that do not become an event go back at once.
   */
  #onFrame(inputId: string, frame: Uint8Array, lease?: FrameLease): void {
    let decoded: DecodedFrame | undefined;
    try {
      decoded = decodeFrame(frame);
      if (this.#frames.takeDefinition(inputId, decoded)) {
        lease?.release();
        return;
      }
    } catch (error) {
      lease?.release();
      if (!this.#stopped) this.#pushError(inputId, error as Error);
      else if (!decoded) this.#queues.discard(inputId);
      return;
    }
    if (this.#stopped) {
      // Sent to this node, never to be read: counted, not silently lost.
      lease?.release();
      this.#queues.discard(inputId);
      return;
    }
    try {
      this.#clock.update(decoded.timestamp);
      this.#queues.pushInput(inputId, this.#frames.event(inputId, decoded, lease));
      this.#events.notify();
    } catch (error) {
      lease?.release();
      this.#pushError(inputId, error as Error);
    }
  }

  #pushError(inputId: string, error: Error): void {
    this.#queues.pushControl({ type: "ERROR", id: inputId, error, metadata: this.#meta() });
    this.#events.notify();
  }

  #onControl(message: DaemonToNode): void {
    switch (message.t) {
      case "ready":
        this.#barrierOpened = true;
        this.#resolveReady();
        return;
      case "stop":
        this.#stop("manual");
        return;
      case "timer":
        if (this.#stopped) return;
        this.#clock.update(message.timestamp);
        for (const id of message.inputs) {
          this.#queues.pushInput(id, InputFrames.tick(id, this.#clock.now()));
        }
        this.#events.notify();
        return;
      case "input_closed":
        for (const id of message.inputs) this.#inputs.producerGone(id);
        return;
      case "node_failed":
        if (this.#stopped) return;
        this.#queues.pushControl({
          type: "NODE_FAILED",
          sourceNodeId: message.sourceNodeId,
          error: message.error,
          affectedInputIds: message.inputs,
          metadata: this.#meta(),
        });
        for (const id of message.inputs) this.#inputs.producerGone(id);
        this.#events.notify();
        return;
    }
  }

  /** An input closed (its producer ended, its channel broke, or it never connected before the end). */
  #inputClosed(id: string): void {
    if (this.#stopped) return;
    this.#queues.pushControl({ type: "INPUT_CLOSED", id, metadata: this.#meta() });
    if (this.#inputs.openCount === 0) this.#stop("all-inputs-closed");
    this.#events.notify();
  }

  #stop(reason: "manual" | "all-inputs-closed" | "daemon-lost"): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#shutdown.abort();
    // All inputs closed is no order to stop sending: a node may still send its results.
    if (reason !== "all-inputs-closed") {
      this.#stopOrdered = true;
      this.#halt.abort();
    }
    this.#inputs.clear();
    this.#queues.pushControl({ type: "STOP", reason, metadata: this.#meta() });
    this.#events.end();
    this.#resolveReady();
  }

  #meta(): Metadata {
    return { timestamp: this.#clock.now(), parameters: {} };
  }
}
