import { FrameDecodeError } from "./errors.js";
import type { Parameter } from "./event.js";
import { PROTOCOL_VERSION } from "./constants.js";

/**
 * A data frame is a fixed 24-byte header, the user parameters as UTF-8 JSON (only when there
 * are any), padding to an 8-byte boundary, then the payload. The payload therefore starts
 * 8-byte aligned whenever the frame does, so typed-array views over it need no copy.
 *
 * ```
 * 0  u8  version           4  u32 parameter bytes    16 f64 HLC timestamp (us)
 * 1  u8  payload encoding  8  f64 sequence number    24 parameters, padding, payload
 * 2  u16 reserved
 * ```
 */
export const FRAME_HEADER_BYTES = 24;

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
export interface FrameHeader {
  encoding: PayloadEncoding;
  seq: number;
  timestamp: number;
  parameters: Record<string, Parameter>;
}

/** A decoded frame: header fields plus a view of the payload (no copy). */
export interface DecodedFrame extends FrameHeader {
  payload: Uint8Array;
}

const decoder = new TextDecoder();
const EMPTY_PARAMETERS: Record<string, Parameter> = Object.freeze({}) as Record<string, Parameter>;

/**
 * Encodes the header (and parameters) of a frame. The frame on the wire is the returned bytes
 * followed by the payload chunks; nothing is concatenated here, so large payloads are not copied.
 */
export function encodeFrameHead(header: FrameHeader): Uint8Array {
  let params: Buffer | undefined;
  for (const _ in header.parameters) {
    params = Buffer.from(JSON.stringify(header.parameters));
    break;
  }
  const paramBytes = params?.byteLength ?? 0;
  const size = align8(FRAME_HEADER_BYTES + paramBytes);
  // Pooled allocation and Buffer's own writers: this runs once per message on the hot path.
  const head = Buffer.allocUnsafe(size);
  head.writeUInt8(PROTOCOL_VERSION, 0);
  head.writeUInt8(header.encoding, 1);
  head.writeUInt16LE(0, 2);
  head.writeUInt32LE(paramBytes, 4);
  head.writeDoubleLE(header.seq, 8);
  head.writeDoubleLE(header.timestamp, 16);
  if (params) {
    params.copy(head, FRAME_HEADER_BYTES);
    head.fill(0, FRAME_HEADER_BYTES + paramBytes);
  }
  return head;
}

/**
 * Decodes a frame. The payload is a view into `frame`.
 * @throws FrameDecodeError when the version or encoding is unknown, a length runs past the end,
 *   or the parameters are not a JSON object (the JSON error is the cause).
 */
export function decodeFrame(frame: Uint8Array): DecodedFrame {
  if (frame.byteLength < FRAME_HEADER_BYTES) {
    throw new FrameDecodeError(`frame of ${frame.byteLength} bytes is shorter than its ${FRAME_HEADER_BYTES}-byte header`, 0);
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const version = view.getUint8(0);
  if (version !== PROTOCOL_VERSION) {
    throw new FrameDecodeError(`frame has protocol version ${version}, expected ${PROTOCOL_VERSION}`, 0);
  }
  const encoding = view.getUint8(1);
  if (encoding > PayloadEncoding.TYPE_DEFINITION) throw new FrameDecodeError(`unknown payload encoding ${encoding}`, 1);
  const paramBytes = view.getUint32(4, true);
  const payloadStart = align8(FRAME_HEADER_BYTES + paramBytes);
  if (payloadStart > frame.byteLength) {
    throw new FrameDecodeError(`parameters of ${paramBytes} bytes run past the end of a ${frame.byteLength}-byte frame`, 4);
  }
  let parameters = EMPTY_PARAMETERS;
  if (paramBytes > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(frame.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + paramBytes)));
    } catch (cause) {
      throw new FrameDecodeError("frame parameters are not valid JSON", FRAME_HEADER_BYTES, { cause });
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new FrameDecodeError("frame parameters are not a JSON object", FRAME_HEADER_BYTES);
    }
    parameters = parsed as Record<string, Parameter>;
  }
  return {
    encoding: encoding as PayloadEncoding,
    seq: view.getFloat64(8, true),
    timestamp: view.getFloat64(16, true),
    parameters,
    payload: frame.subarray(payloadStart),
  };
}

/** Rounds up to a multiple of 8. */
export function align8(n: number): number {
  return (n + 7) & ~7;
}
