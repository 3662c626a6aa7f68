import type { FrameFields, InputEvent, Metadata, NodeEvent, Parameter, SendableValue } from "@rivulet/core";
import { PayloadEncoding, decodeValue, encodeValue, encodeVector, toRows } from "@rivulet/core/internal";
import { type Int, Type, type Vector } from "apache-arrow";
import type { Status } from "@rivulet/node";
import type { OperatorPhase } from "./runtime-errors.js";

/**
 * The messages between the runtime and an operator on a worker thread. Values cross as encoded
 * payloads in buffers of their own, transferred (not copied) by `postMessage`; errors as their
 * name, message and stack.
 */

/** An error across threads. */
export interface PortableError {
  name: string;
  message: string;
  stack?: string;
}

/** A value across threads: an encoded payload, alone in its buffer. */
export interface PortableValue {
  encoding: PayloadEncoding;
  payload: Uint8Array;
}

/** An event across threads: INPUT with its value encoded, ERROR with its error portable, others as they are. */
export type PortableEvent =
  | ({ type: "INPUT"; id: string; metadata: Metadata } & PortableValue)
  | { type: "ERROR"; id?: string; error: PortableError; metadata: Metadata }
  | Exclude<NodeEvent, { type: "INPUT" | "ERROR" }>;

/** What a worker is given at start. */
export interface WorkerInit {
  nodeId: string;
  operatorId: string;
  file: string;
}

/** Runtime -> worker. */
export type ToWorker = { t: "event"; event: PortableEvent } | { t: "sent"; seq: number; error?: PortableError } | { t: "reload" };

/** Worker -> runtime. */
export type FromWorker =
  | { t: "ready" }
  | { t: "status"; status: Status }
  | { t: "failed"; phase: OperatorPhase | "module"; error: PortableError }
  /** The answer to `reload`: the new instance took over, or (with `error`, an OperatorReloadError's, and its position) the old one stays. */
  | { t: "reloaded"; error?: PortableError; line?: number; column?: number }
  | ({ t: "send"; seq: number; output: string; parameters: Record<string, Parameter> | Metadata | undefined; fields: FrameFields | undefined } & PortableValue);

export function portableError(error: unknown): PortableError {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: "Error", message: String(error) };
}

/** An Error of the same name, message and stack as the one thrown on the other thread. */
export function revivedError(portable: PortableError): Error {
  const error = new Error(portable.message);
  error.name = portable.name;
  if (portable.stack) error.stack = portable.stack;
  return error;
}

/** A value as `sendOutput` takes it, encoded on this thread into a buffer of its own. */
export function portableValue(value: SendableValue): PortableValue {
  const { encoding, chunks } = encodeValue(value);
  return { encoding, payload: ownBuffer(chunks) };
}

/** A received vector, re-encoded (a raw payload stays raw, with exactly its bytes). */
export function portableVector(vector: Vector): PortableValue {
  if (vector.length === 0 && vector.type.typeId === Type.Null) return { encoding: PayloadEncoding.EMPTY, payload: new Uint8Array(0) };
  const data = vector.data[0];
  if (vector.data.length === 1 && data && data.type.typeId === Type.Int && (data.type as Int).bitWidth === 8 && !(data.type as Int).isSigned && data.nullCount === 0) {
    return { encoding: PayloadEncoding.RAW, payload: (data.values as Uint8Array).slice(data.offset, data.offset + data.length) };
  }
  const { encoding, chunks } = encodeVector(vector);
  return { encoding, payload: ownBuffer(chunks) };
}

/** The value a `PortableValue` stands for, as `sendOutput` takes it: bytes stay bytes, empty is null. */
export function sendableOf(value: PortableValue): SendableValue {
  if (value.encoding === PayloadEncoding.RAW) return value.payload;
  if (value.encoding === PayloadEncoding.EMPTY) return null;
  return decodeValue(value.encoding, value.payload);
}

/** `event` for the other thread, with the buffers to transfer. */
export function portableEvent(event: NodeEvent): { event: PortableEvent; transfer: ArrayBuffer[] } {
  if (event.type === "INPUT") {
    const value = portableVector(event.value);
    return { event: { type: "INPUT", id: event.id, metadata: event.metadata, ...value }, transfer: [value.payload.buffer as ArrayBuffer] };
  }
  if (event.type === "ERROR") return { event: { ...event, error: portableError(event.error) }, transfer: [] };
  return { event, transfer: [] };
}

/** The event a portable one stands for, on the receiving thread. */
export function revivedEvent(event: PortableEvent): NodeEvent {
  if (event.type === "INPUT") return new PortableInput(event.id, event, event.metadata);
  if (event.type === "ERROR") return { ...event, error: revivedError(event.error) };
  return event;
}

/** An INPUT event received from another thread: its value decoded on first read. */
class PortableInput implements InputEvent {
  readonly type = "INPUT" as const;
  #value: Vector | undefined;

  constructor(
    readonly id: string,
    private readonly portable: PortableValue,
    readonly metadata: Metadata,
  ) {}

  get value(): Vector {
    this.#value ??= decodeValue(this.portable.encoding, this.portable.payload);
    return this.#value;
  }

  get data(): Uint8Array {
    return this.portable.payload;
  }

  rows(): unknown[] {
    return toRows(this.value);
  }

  retain(): void {
    // The bytes were transferred to this thread: they are the program's own.
  }

  release(): void {
    // As retain.
  }
}

/** The chunks in one new buffer that nothing else shares, so it can be transferred. */
function ownBuffer(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.byteLength;
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
