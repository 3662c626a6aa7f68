import { FrameDecodeError } from "@rivulet/core";
import type { BatchBuffers } from "./nats-batch-buffers.js";
import { NATS_HEAD_BYTES, NatsKind, writeHead } from "./nats-wire.js";

/** Most bytes one BATCH message holds (or the server's max_payload when smaller). */
export const NATS_BATCH_BYTES = 64 * 1024;
/** Bytes of the length before each frame of a BATCH message. */
const LENGTH_BYTES = 4;
const FIRST_CAPACITY = 4 * 1024;

/**
 * Frames of consecutive numbers packed into one BATCH message: the common header (its
 * sequence number is the first frame's), then each frame as a 4-byte big-endian length and
 * its bytes. A burst of small frames then costs the client, the server and every subscriber
 * one message instead of one each. Frames are copied in as they are added (the caller may
 * reuse its buffers), into a buffer that grows up to the limit; each message gets a buffer
 * of its own, since the client may still hold the last one until its next write: a full-size
 * one from `BatchBuffers` when given, which knows when the client let go of it.
 */
export class FrameBatch {
  #bytes: Buffer | undefined;
  #used = 0;
  #first = 0;
  #count = 0;
  /** Bytes the last message took: where the next one's buffer starts, so a steady burst never copies to grow. */
  #lastUsed = FIRST_CAPACITY;

  /**
   * @param limit most bytes of a message (header included).
   * @param buffers where buffers of `limit` bytes come from and go back to; without, each message gets a new one.
   */
  constructor(
    private readonly limit: number,
    private readonly buffers?: BatchBuffers,
  ) {
    if (buffers && buffers.size !== limit) throw new RangeError(`pooled batch buffers of ${buffers.size} bytes for a limit of ${limit}`);
  }

  get count(): number {
    return this.#count;
  }

  /** True when frame `seq` of `total` bytes can join: it fits, and follows the frames already in. */
  accepts(seq: number, total: number): boolean {
    const used = this.#count === 0 ? NATS_HEAD_BYTES : this.#used;
    return used + LENGTH_BYTES + total <= this.limit && (this.#count === 0 || seq === this.#first + this.#count);
  }

  /** Adds frame `seq` given as `chunks` of `total` bytes; `accepts` must have said yes. */
  add(seq: number, chunks: readonly Uint8Array[], total: number): void {
    if (this.#count === 0) {
      this.#first = seq;
      this.#used = NATS_HEAD_BYTES;
    }
    const need = this.#used + LENGTH_BYTES + total;
    if (!this.#bytes || need > this.#bytes.byteLength) this.#grow(need);
    const bytes = this.#bytes!;
    bytes.writeUInt32BE(total, this.#used);
    let at = this.#used + LENGTH_BYTES;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
    this.#used = at;
    this.#count++;
  }

  #grow(need: number): void {
    let capacity = this.#bytes?.byteLength ?? this.#lastUsed;
    while (capacity < need) capacity *= 2;
    // A batch heading for the limit (a burst) takes a full-size buffer the pool can give again.
    const bytes = this.buffers && capacity * 2 > this.limit ? this.buffers.take() : Buffer.allocUnsafe(Math.min(capacity, this.limit));
    if (this.#bytes) this.#bytes.copy(bytes, 0, 0, this.#used);
    this.#bytes = bytes;
  }

  /** The BATCH message of the frames added since the last take, and their count; the batch is then empty. */
  take(epoch: number): { message: Uint8Array; frames: number } {
    const bytes = this.#bytes!;
    writeHead(bytes, NatsKind.BATCH, epoch, this.#first);
    const taken = { message: bytes.subarray(0, this.#used), frames: this.#count };
    this.#lastUsed = Math.max(FIRST_CAPACITY, this.#used);
    this.buffers?.published(bytes);
    this.#bytes = undefined;
    this.#count = 0;
    this.#used = 0;
    return taken;
  }
}

/**
 * The frames of a BATCH message's body, as views into it.
 * @throws FrameDecodeError when the lengths do not add up to the body.
 */
export function batchFrames(body: Uint8Array): Uint8Array[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const frames: Uint8Array[] = [];
  let at = 0;
  while (at < body.byteLength) {
    if (at + LENGTH_BYTES > body.byteLength) throw new FrameDecodeError(`NATS BATCH message cut inside a frame length at byte ${at}`, NATS_HEAD_BYTES + at);
    const length = view.getUint32(at);
    at += LENGTH_BYTES;
    if (at + length > body.byteLength) throw new FrameDecodeError(`NATS BATCH frame of ${length} bytes at byte ${at} overflows its message of ${body.byteLength}`, NATS_HEAD_BYTES + at - LENGTH_BYTES);
    frames.push(body.subarray(at, at + length));
    at += length;
  }
  if (frames.length === 0) throw new FrameDecodeError("NATS BATCH message holds no frame", NATS_HEAD_BYTES);
  return frames;
}
