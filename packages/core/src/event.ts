import type { Vector } from "apache-arrow";

/** A user parameter value: flat, as in dora (bool, number, string, or a list of those). */
export type Parameter = boolean | number | string | boolean[] | number[] | string[];

/** W3C-style trace context of a message (docs/protocol.md §6). */
export interface TraceContext {
  /** 16 bytes. */
  traceId: Uint8Array;
  /** 8 bytes. */
  spanId: Uint8Array;
  /** Trace flags (W3C: bit 0 = sampled). */
  flags: number;
}

/**
 * The typed fields a frame header can carry besides the parameters (docs/protocol.md §6): set
 * them with `sendOutput`'s options, read them from `event.metadata`. Each is present only when
 * the sender set it.
 */
export interface FrameFields {
  /** The last message of a stream. */
  fin?: boolean;
  /** Barge-in: the receiving node drops the older unread messages of this input, except those carrying `request_id` or `goal_id`, and counts them (`flushed`); see docs/patterns.md. */
  flush?: boolean;
  /** Request/reply: the request this message belongs to (u64). */
  requestId?: bigint;
  /** Actions: the goal this message belongs to (16 bytes). */
  goalId?: Uint8Array;
  /** Streaming: this message's position in its stream (u64). */
  streamSeq?: bigint;
  trace?: TraceContext;
}

/** Metadata travelling with a message: user parameters plus the HLC `timestamp`, and the frame's typed fields. */
export interface Metadata extends FrameFields {
  /** Hybrid-logical-clock timestamp in microseconds since the Unix epoch (see `HybridClock`). */
  timestamp: number;
  /** Flat user parameters, as passed to `sendOutput` (dora's `metadata` dict). */
  parameters: Record<string, Parameter>;
}

/** An input message. `value` is built lazily on first access. */
export interface InputEvent {
  type: "INPUT";
  /** The input id as named in the consumer's `inputs`. */
  id: string;
  /** The payload as an Arrow vector (raw payloads appear as a Uint8 vector). */
  readonly value: Vector;
  /** The payload bytes, without copying (for raw payloads, exactly what was sent). */
  readonly data: Uint8Array;
  metadata: Metadata;
  /**
   * The value's rows as plain JS values, read straight from the Arrow buffers: a record sent as
   * `{ id: "dev-1", t: 21.5 }` comes back as that object (`const [reading] = event.rows()`),
   * several times faster than reading it field by field through `value.get(0)`. Structs are
   * plain objects, lists arrays, Int64 bigints, Utf8 strings, Binary `Uint8Array` views of `data`,
   * timestamps epoch milliseconds, nulls null; a new array on every call.
   * @throws FrameDecodeError as `value` does.
   */
  rows(): unknown[];
  /**
   * Keeps the event's bytes for later: with a transport that lends its memory (shared memory),
   * an event whose bytes were not read is given back when the loop takes the next event, and
   * reading them afterwards throws FrameReleasedError. Reading `data`, `value` or `rows()`
   * before moving on keeps them too. A kept event holds its transport's memory (one slot) until
   * `release()` or until every view of its bytes is garbage collected, so keeping `event.value`
   * in an array is safe. A no-op on transports whose bytes are the program's own (Unix).
   */
  retain(): void;
  /**
   * Gives the event's bytes back to its transport now, when the program is done with them
   * (shared memory: the slot is reused at once instead of when its views are collected).
   * Views of them taken before must not be read afterwards. Idempotent; a no-op on transports
   * whose bytes are the program's own.
   */
  release(): void;
}

/** An input will receive nothing more (its producer finished, failed, or the timer stopped). */
export interface InputClosedEvent {
  type: "INPUT_CLOSED";
  id: string;
  metadata: Metadata;
}

/** The node should stop; the event stream ends after it. */
export interface StopEvent {
  type: "STOP";
  /** Why: `manual` (Ctrl-C, `--stop-after`, daemon), `all-inputs-closed`, or `daemon-lost`. */
  reason: "manual" | "all-inputs-closed" | "daemon-lost";
  metadata: Metadata;
}

/** A non-fatal error in band: a corrupt frame on an input, a lost connection. */
export interface ErrorEvent {
  type: "ERROR";
  id?: string;
  error: Error;
  metadata: Metadata;
}

/** A producer of one or more of this node's inputs failed. */
export interface NodeFailedEvent {
  type: "NODE_FAILED";
  /** The failed node. */
  sourceNodeId: string;
  /** Exit code or signal, and the reason as text. */
  error: string;
  /** This node's inputs that were fed by the failed node. */
  affectedInputIds: string[];
  metadata: Metadata;
}

/**
 * An operator's code was reloaded (`rivulet run --watch`, its module changed): the first event
 * the new instance gets, after `restore(state)` (or the old instance's fields copied over). The
 * runtime node itself gets it first, as the daemon's request to reload operator `operatorId`.
 * Code that does not care ignores it, as any event type it does not know.
 */
export interface ReloadEvent {
  type: "RELOAD";
  /** The operator reloaded (its own id, as under `operators:`). */
  operatorId: string;
  metadata: Metadata;
}

/** Every event a node can receive. Consumers must ignore types they do not know. */
export type NodeEvent = InputEvent | InputClosedEvent | StopEvent | ErrorEvent | NodeFailedEvent | ReloadEvent;

export type EventType = NodeEvent["type"];
