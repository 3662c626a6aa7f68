import type { FrameLease, Metadata, NodeConfig, NodeEvent, PullOptions, StopEvent } from "@rivulet/core";
import { type DecodedFrame, type HybridClock, QueuedIterator, decodeFrame } from "@rivulet/core/internal";
import type { LazyInputEvent } from "./input-event.js";
import { InputFrames } from "./input-frames.js";
import { type InputStats, InputQueues } from "./input-queues.js";
import { InputSubscriptions } from "./input-subscriptions.js";
import type { KeepAlive } from "./keep-alive.js";
import type { InputSide } from "./node-contract.js";
import type { NodeTransports } from "./node-transports.js";
import { InputClaimedError, UndeclaredInputError } from "./patterns/claim-errors.js";
import { ClaimedInput } from "./patterns/claimed-input.js";
import type { ClaimEnd, ClaimOptions } from "./patterns/pattern-host.js";

/** What the input side needs from its node. */
export interface NodeInputsComponents {
  readonly config: NodeConfig;
  readonly transports: NodeTransports;
  readonly clock: HybridClock;
  /** Held while the program waits for an event. */
  readonly keepAlive: KeepAlive;
  /** Aborts subscriptions still connecting (STOP, close). */
  readonly shutdown: AbortSignal;
  /** Every input closed: the node should stop (`all-inputs-closed`). */
  onAllClosed(): void;
}

/**
 * A node's input side: its inputs' subscriptions, the frames they deliver decoded into INPUT
 * events (ERROR for bad bytes), the daemon's timer ticks, INPUT_CLOSED and NODE_FAILED, all
 * pushed into the bounded input queues and read by the program through one queued iterator.
 * Once the stream has ended (STOP, close) arrivals are discarded and counted.
 */
export class NodeInputs implements InputSide {
  readonly #queues: InputQueues;
  readonly #events: QueuedIterator<NodeEvent>;
  /** Each input's planned channel id and the types its producer defined by id. */
  readonly #frames: InputFrames;
  readonly #subscriptions: InputSubscriptions;
  /** Inputs read by a pattern instead of the main stream, with the pattern's name. */
  readonly #claims = new Map<string, { claim: ClaimedInput; pattern: string }>();
  /** How inputs that ended did (closed, or their producer failed), for a claim made afterwards. */
  readonly #inputEnds = new Map<string, ClaimEnd>();

  constructor(private readonly node: NodeInputsComponents) {
    const { config } = node;
    this.#frames = new InputFrames(config.nodeId);
    this.#subscriptions = new InputSubscriptions(config.nodeId, node.transports, node.shutdown, {
      onFrame: (id, frame, lease) => this.#onFrame(id, frame, lease),
      onLost: (id, error) => this.#queues.pushControl({ type: "ERROR", id, error, metadata: this.#meta() }),
      onClosed: (id) => this.#inputClosed(id),
      stopped: () => this.ended,
    });
    this.#queues = new InputQueues({
      onFull: (id) => this.#subscriptions.get(id)?.pause(),
      onSpace: (id) => this.#subscriptions.get(id)?.resume(),
      onTaken: (id) => this.#subscriptions.get(id)?.consumed?.(1),
      // Lent memory (shared memory) goes back by the rule of InputEvent.retain.
      onDropped: (event) => (event as LazyInputEvent).drop(),
      onMovedOn: (event) => (event as LazyInputEvent).settle(),
    });
    for (const input of config.inputs) {
      // Fed in-process by another operator of this runtime node: never on a channel, never here.
      if (input.local) continue;
      this.#queues.addInput(input.id, input.queueSize, input.queuePolicy, input.channel !== undefined);
      this.#subscriptions.open(input.id);
      if (input.channel?.channelId !== undefined) this.#frames.expectChannel(input.id, input.channel.channelId);
    }
    this.#events = new QueuedIterator(this.#queues, (waiting) => (waiting ? node.keepAlive.hold() : node.keepAlive.release()));
  }

  /** The event stream ended (STOP, close, or a failure to join): later arrivals are discarded. */
  get ended(): boolean {
    return this.#events.ended;
  }

  [Symbol.asyncIterator](): AsyncIterator<NodeEvent> {
    return this.#events;
  }

  recv(options?: PullOptions): Promise<NodeEvent | null> {
    return this.#events.pull(options);
  }

  /**
   * Counters per input; an input's `dropped` adds what its subscription dropped itself. Pending
   * drop_oldest bounds are applied first: the counts agree with the daemon's.
   */
  stats(): Record<string, InputStats> {
    const inputs = this.#queues.stats();
    for (const [id, input] of Object.entries(inputs)) input.dropped += this.#subscriptions.get(id)?.drops ?? 0;
    return inputs;
  }

  /**
   * Takes input `inputId` out of the main stream for `pattern` (see `InputClaim`; a reader
   * waiting on it keeps the process alive only with `keepsAlive`). A claim made
   * after the input ended, or the stream ended, is ended already (with the same reason).
   * @throws UndeclaredInputError for an input the node does not have (or one fed in-process);
   *   InputClaimedError when a pattern reads it already.
   */
  claim(inputId: string, pattern: string, options: ClaimOptions = {}): ClaimedInput {
    const { config, keepAlive } = this.node;
    const source = config.inputs.some((input) => input.id === inputId && !input.local) ? this.#queues.claim(inputId, options.replies) : undefined;
    if (!source) throw new UndeclaredInputError(config.nodeId, inputId, config.inputs.map((input) => input.id), pattern);
    const holder = this.#claims.get(inputId);
    if (holder) throw new InputClaimedError(config.nodeId, inputId, holder.pattern, pattern);
    const claim = new ClaimedInput(
      inputId,
      source,
      options.keepsAlive ? (waiting) => (waiting ? keepAlive.hold() : keepAlive.release()) : () => {},
      (unread) => this.#queues.release(inputId, unread),
    );
    this.#claims.set(inputId, { claim, pattern });
    const end = this.ended ? { reason: "stopped" as const } : this.#inputEnds.get(inputId);
    if (end) claim.end(end);
    return claim;
  }

  /** Subscribes every input fed by a channel (timers are fed by the daemon). */
  async subscribe(): Promise<void> {
    await Promise.all(this.node.config.inputs.filter((input) => input.channel && !input.local).map((input) => this.#subscriptions.subscribe(input)));
  }

  /** The daemon's timer ticked for `inputs`: an INPUT event with an empty value each. */
  tick(inputs: readonly string[], timestamp: number): void {
    if (this.ended) return;
    this.node.clock.update(timestamp);
    for (const id of inputs) {
      this.#queues.pushInput(id, InputFrames.tick(id, this.node.clock.now()));
      this.#claims.get(id)?.claim.notify();
    }
    this.#events.notify();
  }

  /** The daemon says the producers of `inputs` ended. */
  producersGone(inputs: readonly string[]): void {
    for (const id of inputs) this.#subscriptions.producerGone(id);
  }

  /** The daemon says node `sourceNodeId`, which fed `inputs`, failed: NODE_FAILED, then those inputs close. */
  producerFailed(sourceNodeId: string, error: string, inputs: string[]): void {
    if (this.ended) return;
    this.#queues.pushControl({ type: "NODE_FAILED", sourceNodeId, error, affectedInputIds: inputs, metadata: this.#meta() });
    // Patterns reading these inputs end now (pending requests fail at once), not at the close.
    for (const id of inputs) this.#endInput(id, { reason: "failed", sourceNodeId, error });
    this.producersGone(inputs);
    this.#events.notify();
  }

  /** The daemon asks this runtime node to reload operator `operatorId` (`--watch`): a RELOAD event, in order with the rest. */
  reload(operatorId: string): void {
    if (this.ended) return;
    this.#queues.pushControl({ type: "RELOAD", operatorId, metadata: this.#meta() });
    this.#events.notify();
  }

  /** STOP: the last event; the stream ends after it and subscriptions stop waiting for verdicts. */
  stop(reason: StopEvent["reason"]): void {
    this.#subscriptions.clear();
    this.#queues.pushControl({ type: "STOP", reason, metadata: this.#meta() });
    this.#events.end();
    this.#endClaims();
  }

  /**
   * The program is done reading: later arrivals (and what it left queued) are discarded,
   * counted, and no longer reported as queue drops while the outputs flush.
   */
  closeIntake(): void {
    this.#queues.closeIntake();
    this.#queues.settle();
  }

  /** Ends the stream without STOP (the node closed). */
  end(): void {
    this.#subscriptions.clear();
    this.#events.end();
    this.#endClaims();
  }

  /** Ends the stream with `error`, thrown to the program after the events already queued. */
  fail(error: Error): void {
    this.#events.fail(error);
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
      if (!this.ended) this.#pushError(inputId, error as Error);
      else if (!decoded) this.#queues.discard(inputId);
      return;
    }
    if (this.ended) {
      // Sent to this node, never to be read: counted, not silently lost.
      lease?.release();
      this.#queues.discard(inputId, decoded.parameters);
      return;
    }
    try {
      this.node.clock.update(decoded.timestamp);
      this.#queues.pushInput(inputId, this.#frames.event(inputId, decoded, lease));
      const claimed = this.#claims.get(inputId);
      if (claimed) claimed.claim.notify();
      else this.#events.notify();
    } catch (error) {
      lease?.release();
      this.#pushError(inputId, error as Error);
    }
  }

  #pushError(inputId: string, error: Error): void {
    this.#queues.pushControl({ type: "ERROR", id: inputId, error, metadata: this.#meta() });
    this.#events.notify();
  }

  /** An input closed (its producer ended, its channel broke, or it never connected before the end). */
  #inputClosed(id: string): void {
    if (this.ended) return;
    this.#queues.pushControl({ type: "INPUT_CLOSED", id, metadata: this.#meta() });
    this.#endInput(id, { reason: "closed" });
    if (this.#subscriptions.openCount === 0) this.node.onAllClosed();
    this.#events.notify();
  }

  /** Input `id` ended (the first reason counts): its claim, if any, ends after what is queued. */
  #endInput(id: string, end: ClaimEnd): void {
    if (this.#inputEnds.has(id)) return;
    this.#inputEnds.set(id, end);
    this.#claims.get(id)?.claim.end(end);
  }

  /** The stream ended (STOP, close): every claim still open ends as `stopped`. */
  #endClaims(): void {
    for (const { claim } of this.#claims.values()) claim.end({ reason: "stopped" });
  }

  #meta(): Metadata {
    return { timestamp: this.node.clock.now(), parameters: {} };
  }
}
