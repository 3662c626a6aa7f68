import { FrameDecodeError, UnsupportedFrameVersionError } from "./errors.js";
import type { FrameFields, Parameter } from "./event.js";
import { FRAME_FORMAT_VERSION } from "./constants.js";

/**
 * A data frame (format version 2, docs/protocol.md §6): a fixed 32-byte header, the optional
 * fields its flags announce (each a multiple of 8 bytes), the user parameters as UTF-8 JSON
 * (only when there are any), padding to an 8-byte boundary, then the payload. The payload
 * therefore starts 8-byte aligned whenever the frame does, so typed-array views over it need
 * no copy.
 *
 * ```
 * 0  u8  version (2)         8  f64 sequence number        32 optional fields, in flag order:
 * 1  u8  payload encoding    16 f64 HLC timestamp (us)        REQUEST_ID u64, GOAL_ID 16 bytes,
 * 2  u16 flags               24 u32 parameter bytes (P)       STREAM_SEQ u64, TRACE 32 bytes
 * 4  u32 channel id          28 u32 reserved (0)           then P bytes of parameters, padding, payload
 * ```
 */
export const FRAME_HEADER_BYTES = 32;

/** Bits of the header's flags. A frame with any other bit set is refused. */
export const FrameFlag = {
  /** The last frame of a stream (streaming patterns). */
  FIN: 1,
  /** Barge-in: the receiver drops the older unread messages of this input, except those of a request or a goal (docs/patterns.md). */
  FLUSH: 2,
  /** A u64 request id follows the header (request/reply). */
  REQUEST_ID: 4,
  /** A 16-byte goal id follows (actions). */
  GOAL_ID: 8,
  /** A u64 position in a stream follows (streaming). */
  STREAM_SEQ: 16,
  /** A 32-byte trace context follows: 16-byte trace id, 8-byte span id, u8 trace flags, 7 zero bytes. */
  TRACE: 32,
} as const;
const KNOWN_FLAGS = 63;
const GOAL_ID_BYTES = 16;
const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;
const TRACE_BYTES = 32;


/** How the payload bytes are to be read. */
export const PayloadEncoding = {
  /** Bytes exactly as the sender gave them. */
  RAW: 0,
  /** An Arrow IPC stream with one column (interoperable; any Arrow type). */
  ARROW_IPC: 1,
  /** Rivulet's compact layout of one flat Arrow array (see arrow-codec.ts). */
  ARROW_COMPACT: 2,
  /** No payload; the value is an empty Null array. */
  EMPTY: 3,
  /** A type id and its compact type descriptor, for later compact payloads by id (docs/payload-format.md); not a message. */
  TYPE_DEFINITION: 4,
} as const;
export type PayloadEncoding = (typeof PayloadEncoding)[keyof typeof PayloadEncoding];

/** What a frame says besides its payload. */
export interface FrameHeader extends FrameFields {
  encoding: PayloadEncoding;
  seq: number;
  timestamp: number;
  parameters: Record<string, Parameter>;
  /** The planned channel the frame travels on (0: none assigned, as in tests and tools). */
  channelId?: number;
}

/** A decoded frame: header fields plus a view of the payload (no copy). */
export interface DecodedFrame extends FrameHeader {
  channelId: number;
  payload: Uint8Array;
}

const decoder = new TextDecoder();
const EMPTY_PARAMETERS: Record<string, Parameter> = Object.freeze({}) as Record<string, Parameter>;

const U64_MAX = 2n ** 64n - 1n;

/**
 * The typed fields set in `source` (send options, a decoded frame), or undefined when none is:
 * the common message carries none, and then nothing is copied.
 */
export function frameFieldsOf(source: FrameFields): FrameFields | undefined {
  const { fin, flush, requestId, goalId, streamSeq, trace } = source;
  if (!fin && !flush && requestId === undefined && goalId === undefined && streamSeq === undefined && trace === undefined) return undefined;
  const fields: FrameFields = {};
  if (fin) fields.fin = true;
  if (flush) fields.flush = true;
  if (requestId !== undefined) fields.requestId = requestId;
  if (goalId !== undefined) fields.goalId = goalId;
  if (streamSeq !== undefined) fields.streamSeq = streamSeq;
  if (trace !== undefined) fields.trace = trace;
  return fields;
}

/**
 * A copy of a frame head with another channel id: the head of the same message on another of
 * its output's channels (the payload chunks stay shared).
 */
export function withChannelId(head: Uint8Array, channelId: number): Uint8Array {
  const copy = new Uint8Array(head);
  new DataView(copy.buffer, copy.byteOffset, copy.byteLength).setUint32(4, channelId, true);
  return copy;
}

/**
 * Encodes the header, optional fields and parameters of a frame. The frame on the wire is the
 * returned bytes followed by the payload chunks; nothing is concatenated here, so large payloads
 * are not copied.
 * @throws RangeError for a channel id, request id or stream position out of range, or a goal id
 *   or trace context of the wrong size (programming errors: the SDK checks what users give it).
 */
export function encodeFrameHead(header: FrameHeader): Uint8Array {
  let params: Buffer | undefined;
  for (const _ in header.parameters) {
    params = Buffer.from(JSON.stringify(header.parameters));
    break;
  }
  const paramBytes = params?.byteLength ?? 0;
  let flags = (header.fin ? FrameFlag.FIN : 0) | (header.flush ? FrameFlag.FLUSH : 0);
  let optional = 0;
  if (header.requestId !== undefined) (flags |= FrameFlag.REQUEST_ID), (optional += 8);
  if (header.goalId !== undefined) (flags |= FrameFlag.GOAL_ID), (optional += GOAL_ID_BYTES);
  if (header.streamSeq !== undefined) (flags |= FrameFlag.STREAM_SEQ), (optional += 8);
  if (header.trace !== undefined) (flags |= FrameFlag.TRACE), (optional += TRACE_BYTES);
  const paramsAt = FRAME_HEADER_BYTES + optional;
  // Pooled allocation and Buffer's own writers: this runs once per message on the hot path.
  const head = Buffer.allocUnsafe(align8(paramsAt + paramBytes));
  head.writeUInt8(FRAME_FORMAT_VERSION, 0);
  head.writeUInt8(header.encoding, 1);
  head.writeUInt16LE(flags, 2);
  head.writeUInt32LE(header.channelId ?? 0, 4);
  head.writeDoubleLE(header.seq, 8);
  head.writeDoubleLE(header.timestamp, 16);
  head.writeUInt32LE(paramBytes, 24);
  head.writeUInt32LE(0, 28);
  if (optional > 0) writeOptional(head, header);
  if (params) {
    params.copy(head, paramsAt);
    head.fill(0, paramsAt + paramBytes);
  }
  return head;
}

function writeOptional(head: Buffer, header: FrameHeader): void {
  let at = FRAME_HEADER_BYTES;
  if (header.requestId !== undefined) at = writeU64(head, at, header.requestId, "request id");
  if (header.goalId !== undefined) at = writeBytes(head, at, header.goalId, GOAL_ID_BYTES, "goal id");
  if (header.streamSeq !== undefined) at = writeU64(head, at, header.streamSeq, "stream position");
  if (header.trace !== undefined) {
    writeBytes(head, at, header.trace.traceId, TRACE_ID_BYTES, "trace id");
    writeBytes(head, at + TRACE_ID_BYTES, header.trace.spanId, SPAN_ID_BYTES, "span id");
    if (!Number.isInteger(header.trace.flags) || header.trace.flags < 0 || header.trace.flags > 255) throw new RangeError(`trace flags ${header.trace.flags} are not a byte`);
    head[at + 24] = header.trace.flags;
    head.fill(0, at + 25, at + TRACE_BYTES);
  }
}

function writeU64(head: Buffer, at: number, value: bigint, what: string): number {
  if (value < 0n || value > U64_MAX) throw new RangeError(`${what} ${value} is not a u64`);
  head.writeBigUInt64LE(value, at);
  return at + 8;
}

function writeBytes(head: Buffer, at: number, bytes: Uint8Array, size: number, what: string): number {
  if (bytes.byteLength !== size) throw new RangeError(`${what} has ${bytes.byteLength} bytes, expected ${size}`);
  head.set(bytes, at);
  return at + size;
}

/**
 * Decodes a frame. The payload, and the goal and trace ids, are views into `frame`.
 * @throws UnsupportedFrameVersionError (a FrameDecodeError) for a frame of another format
 *   version; FrameDecodeError when the encoding or a flag is unknown, the reserved field is not
 *   zero, a length runs past the end, or the parameters are not a JSON object (the JSON error is
 *   the cause).
 */
export function decodeFrame(frame: Uint8Array): DecodedFrame {
  if (frame.byteLength < 1) throw new FrameDecodeError("empty frame", 0);
  const version = frame[0]!;
  if (version !== FRAME_FORMAT_VERSION) throw new UnsupportedFrameVersionError(version);
  if (frame.byteLength < FRAME_HEADER_BYTES) {
    throw new FrameDecodeError(`frame of ${frame.byteLength} bytes is shorter than its ${FRAME_HEADER_BYTES}-byte header`, 0);
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const encoding = view.getUint8(1);
  if (encoding > PayloadEncoding.TYPE_DEFINITION) throw new FrameDecodeError(`unknown payload encoding ${encoding}`, 1);
  const flags = view.getUint16(2, true);
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new FrameDecodeError(`unknown frame flags 0x${(flags & ~KNOWN_FLAGS).toString(16)}`, 2);
  if (view.getUint32(28, true) !== 0) throw new FrameDecodeError("the frame header's reserved field is not zero", 28);
  const paramBytes = view.getUint32(24, true);
  let at = FRAME_HEADER_BYTES;
  const optional = (flags & FrameFlag.REQUEST_ID ? 8 : 0) + (flags & FrameFlag.GOAL_ID ? GOAL_ID_BYTES : 0) + (flags & FrameFlag.STREAM_SEQ ? 8 : 0) + (flags & FrameFlag.TRACE ? TRACE_BYTES : 0);
  const paramsAt = at + optional;
  const payloadStart = align8(paramsAt + paramBytes);
  if (payloadStart > frame.byteLength) {
    throw new FrameDecodeError(`optional fields and parameters of ${optional + paramBytes} bytes run past the end of a ${frame.byteLength}-byte frame`, 24);
  }
  const decoded: DecodedFrame = {
    encoding: encoding as PayloadEncoding,
    channelId: view.getUint32(4, true),
    seq: view.getFloat64(8, true),
    timestamp: view.getFloat64(16, true),
    parameters: EMPTY_PARAMETERS,
    payload: frame.subarray(payloadStart),
  };
  if (flags & FrameFlag.FIN) decoded.fin = true;
  if (flags & FrameFlag.FLUSH) decoded.flush = true;
  if (flags & FrameFlag.REQUEST_ID) (decoded.requestId = view.getBigUint64(at, true)), (at += 8);
  if (flags & FrameFlag.GOAL_ID) (decoded.goalId = frame.subarray(at, at + GOAL_ID_BYTES)), (at += GOAL_ID_BYTES);
  if (flags & FrameFlag.STREAM_SEQ) (decoded.streamSeq = view.getBigUint64(at, true)), (at += 8);
  if (flags & FrameFlag.TRACE) {
    decoded.trace = { traceId: frame.subarray(at, at + TRACE_ID_BYTES), spanId: frame.subarray(at + TRACE_ID_BYTES, at + TRACE_ID_BYTES + SPAN_ID_BYTES), flags: frame[at + 24]! };
  }
  if (paramBytes > 0) decoded.parameters = parseParameters(frame.subarray(paramsAt, paramsAt + paramBytes), paramsAt);
  return decoded;
}

function parseParameters(bytes: Uint8Array, offset: number): Record<string, Parameter> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw new FrameDecodeError("frame parameters are not valid JSON", offset, { cause });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new FrameDecodeError("frame parameters are not a JSON object", offset);
  }
  return parsed as Record<string, Parameter>;
}

/** Rounds up to a multiple of 8. */
export function align8(n: number): number {
  return (n + 7) & ~7;
}
