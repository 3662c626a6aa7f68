import { MAX_FRAME_BYTES } from "./constants.js";
import { FrameDecodeError } from "./errors.js";

/**
 * Stream framing shared by the control plane and the stream transports (Unix socket): an 8-byte
 * head `[u32 body length LE][u8 kind][3 bytes reserved]` then the body. The 8-byte head keeps
 * bodies 8-byte aligned in the reader's buffers, so typed views over them need no copy.
 */
export const WIRE_HEAD_BYTES = 8;

/** Writes a wire head for a body of `length` bytes. */
export function encodeWireHead(kind: number, length: number): Uint8Array {
  const head = new Uint8Array(WIRE_HEAD_BYTES);
  writeWireHead(head, 0, kind, length);
  return head;
}

/** Writes a wire head into `target` at `offset` (for callers that pack several frames). */
export function writeWireHead(target: Uint8Array, offset: number, kind: number, length: number): void {
  target[offset] = length & 0xff;
  target[offset + 1] = (length >>> 8) & 0xff;
  target[offset + 2] = (length >>> 16) & 0xff;
  target[offset + 3] = (length >>> 24) & 0xff;
  target[offset + 4] = kind;
  target[offset + 5] = 0;
  target[offset + 6] = 0;
  target[offset + 7] = 0;
}

/**
 * Splits a byte stream into wire frames. Each body is handed over as its own 8-byte-aligned
 * bytes: a view into the chunk when it already is, otherwise one copy. Bodies that span chunks
 * are assembled into one buffer of the announced size (one copy, no repeated concatenation).
 */
export class WireFrameReader {
  #pending: Uint8Array | undefined;
  #pendingLength = 0;
  #body: Uint8Array | undefined;
  #bodyFilled = 0;
  #kind = 0;

  /**
   * @param onFrame receives each body; it stays valid after the call.
   * @param maxBytes larger announced lengths are treated as corruption; may be changed between
   *   frames (the control plane raises it once a peer has authenticated).
   * @param reusedChunks true when the caller reuses its chunk buffers (a socket `onread`
   *   buffer): bodies are then always copied out instead of viewed.
   */
  constructor(
    private readonly onFrame: (kind: number, body: Uint8Array) => void,
    public maxBytes: number = MAX_FRAME_BYTES,
    private readonly reusedChunks = false,
  ) {}

  /** True while part of a frame has been read. */
  get partial(): boolean {
    return this.#body !== undefined || this.#pendingLength > 0;
  }

  /**
   * Feeds bytes read from the stream.
   * @throws FrameDecodeError when a head announces more than `maxBytes` (a corrupt stream).
   */
  push(chunk: Uint8Array): void {
    let at = 0;
    const end = chunk.byteLength;
    while (at < end) {
      if (this.#body) {
        const n = Math.min(this.#body.byteLength - this.#bodyFilled, end - at);
        this.#body.set(chunk.subarray(at, at + n), this.#bodyFilled);
        this.#bodyFilled += n;
        at += n;
        if (this.#bodyFilled === this.#body.byteLength) {
          const body = this.#body;
          this.#body = undefined;
          this.onFrame(this.#kind, body);
        }
        continue;
      }
      if (this.#pendingLength > 0 || end - at < WIRE_HEAD_BYTES) {
        // A head split across chunks: gather its 8 bytes first.
        this.#pending ??= new Uint8Array(WIRE_HEAD_BYTES);
        const n = Math.min(WIRE_HEAD_BYTES - this.#pendingLength, end - at);
        this.#pending.set(chunk.subarray(at, at + n), this.#pendingLength);
        this.#pendingLength += n;
        at += n;
        if (this.#pendingLength < WIRE_HEAD_BYTES) return;
        this.#pendingLength = 0;
        const length = this.#readHead(this.#pending, 0);
        if (length > 0) this.#startBody(length);
        continue;
      }
      const length = this.#readHead(chunk, at);
      at += WIRE_HEAD_BYTES;
      if (length === 0) continue;
      if (end - at >= length) {
        // The whole body is in this chunk: view it if aligned, else copy once.
        const view = chunk.subarray(at, at + length);
        const body = !this.reusedChunks && (chunk.byteOffset + at) % 8 === 0 ? view : copyAligned(view);
        at += length;
        this.onFrame(this.#kind, body);
      } else {
        this.#startBody(length);
      }
    }
  }

  /** Parses a head at `offset`; emits an empty body at once. */
  #readHead(bytes: Uint8Array, offset: number): number {
    const length = (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
    this.#kind = bytes[offset + 4]!;
    if (length > this.maxBytes) {
      throw new FrameDecodeError(`wire frame announces ${length} bytes, more than the limit of ${this.maxBytes}: the stream is corrupt`, offset);
    }
    if (length === 0) this.onFrame(this.#kind, new Uint8Array(0));
    return length;
  }

  #startBody(length: number): void {
    // Unpooled, so the body starts on an aligned boundary of its own allocation.
    this.#body = Buffer.allocUnsafeSlow(length);
    this.#bodyFilled = 0;
  }
}

function copyAligned(bytes: Uint8Array): Uint8Array {
  // Node's buffer pool hands out 8-byte-aligned slices.
  const copy = Buffer.allocUnsafe(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
