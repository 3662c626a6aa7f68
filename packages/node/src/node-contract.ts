import type { FrameFields, LogLevel, Metadata, NodeEvent, NodeStatus, Parameter, PullOptions, SendableValue } from "@rivulet/core";
import type { InputStats } from "./input-queues.js";
import type { OutputStats } from "./output-channels.js";
import type { RawSample } from "./raw-samples.js";
import type { ClaimOptions, InputClaim } from "./patterns/pattern-host.js";

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

/**
 * Events in: what a program reads, whoever delivers the events (the daemon's node, an operator
 * runtime, a test script). Single consumer; the stream ends after STOP.
 */
export interface EventSource extends AsyncIterable<NodeEvent> {
  /**
   * The next event, or `null` when `timeout` ms pass first or the stream has ended.
   * @throws AbortError when `signal` fires; ConcurrentPullError if another recv is waiting.
   */
  recv(options?: PullOptions): Promise<NodeEvent | null>;
}

/**
 * Outputs out: where a program's messages go, whoever carries them (transports, an in-process
 * edge of an operator runtime, a test's record). Values are checked and encoded the same way by
 * every implementation; see `Node.sendOutput` for the rules at the barrier and after STOP.
 */
export interface OutputSink {
  /** Sends `data` on output `outputId`. @throws UndeclaredOutputError, InvalidParameterError, NodeStoppedError. */
  sendOutput(outputId: string, data: SendableValue, metadata?: SendMetadata, options?: SendOutputOptions): Promise<void>;
  /** A raw message of `length` bytes written in place, sent by its `send()`. */
  sendOutputRaw(outputId: string, length: number, metadata?: SendMetadata, options?: SendOutputOptions): Promise<RawSample>;
  /** Closes the outputs (consumers get INPUT_CLOSED after everything sent before). Idempotent. */
  close(): Promise<void>;
}

/** The input side of a node: its events, with their counters. */
export interface InputSide extends EventSource {
  stats(): Record<string, InputStats>;
  /**
   * Takes input `inputId` out of the main event stream for a pattern (`request`, `serve`,
   * `stream`...): see `InputClaim`.
   * @throws UndeclaredInputError, InputClaimedError.
   */
  claim(inputId: string, pattern: string, options?: ClaimOptions): InputClaim;
}

/** The output side of a node: its sends, with their counters. */
export interface OutputSide extends Omit<OutputSink, "close"> {
  stats(): Record<string, OutputStats>;
}

/**
 * What a `Node` is made of: an input side, an output side, and whoever runs its lifecycle and
 * hears its logs (the daemon over the control socket; a test). `new Node()` builds the daemon's
 * (`DaemonSession`); the testing helper builds its own, without daemon or sockets.
 */
export interface NodeHost {
  readonly inputs: InputSide;
  readonly outputs: OutputSide;
  /** Aborted when the node must stop (see `Node.signal`). */
  readonly signal: AbortSignal;
  /** Keeps the process alive while work is pending (patterns hold it for requests in flight and servers). */
  readonly keepAlive: { hold(): void; release(): void };
  /** Resolves at the start-up barrier. @throws the error that kept the node from joining. */
  ready(): Promise<void>;
  log(level: LogLevel, message: string, fields?: Record<string, Parameter>): void;
  status(status: NodeStatus): void;
  /** Asks for the whole dataflow to stop (see `Node.stopDataflow`). */
  stopDataflow(reason?: string): Promise<void>;
  /** Closes outputs, inputs and connections. Idempotent. */
  close(): Promise<void>;
}
