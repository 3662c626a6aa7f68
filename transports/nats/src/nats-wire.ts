import { FrameDecodeError } from "@rivulet/core";

/** Version of the message header below; a message of another version is refused as corrupt. */
export const NATS_WIRE_VERSION = 1;
/** Bytes of the header of DATA, END and HEARTBEAT messages. */
export const NATS_HEAD_BYTES = 16;
/** Bytes of the header of a CHUNK message (the common header, then offset and total length). */
export const NATS_CHUNK_HEAD_BYTES = 24;

/** What a message on a channel's data subject is (byte 1 of its header). */
export const NatsKind = {
  /** A whole frame. */
  DATA: 1,
  /** A piece of a frame larger than the server's max_payload; pieces of one frame share its sequence number. */
  CHUNK: 2,
  /** The publisher closed cleanly; `seq` is the number of frames it sent. */
  END: 3,
  /** The publisher is alive; `seq` is the number of frames it sent so far (so a lost last frame shows as a gap). */
  HEARTBEAT: 4,
  /** Frames of consecutive numbers from `seq` on, each after its 4-byte length (nats-batch.ts). */
  BATCH: 5,
} as const;
export type NatsKind = (typeof NatsKind)[keyof typeof NatsKind];

/** A decoded message of a data subject. */
export interface NatsMessage {
  kind: NatsKind;
  /** Random per publisher instance: a new epoch is a new publisher, whose sequence starts again. */
  epoch: number;
  /** The frame's number (DATA, CHUNK), the first frame's (BATCH), or the count of frames sent (END, HEARTBEAT). */
  seq: number;
  /** CHUNK only: where the body goes in the frame, and the frame's length. */
  offset: number;
  total: number;
  body: Uint8Array;
}

/** Writes the common header at the start of `bytes`. */
export function writeHead(bytes: Buffer, kind: NatsKind, epoch: number, seq: number): void {
  bytes[0] = NATS_WIRE_VERSION;
  bytes[1] = kind;
  bytes[2] = 0;
  bytes[3] = 0;
  bytes.writeUInt32BE(epoch >>> 0, 4);
  bytes.writeUInt32BE(Math.floor(seq / 2 ** 32), 8);
  bytes.writeUInt32BE(seq >>> 0, 12);
}

/** An END or HEARTBEAT message. */
export function controlMessage(kind: typeof NatsKind.END | typeof NatsKind.HEARTBEAT, epoch: number, seq: number): Uint8Array {
  const bytes = Buffer.allocUnsafe(NATS_HEAD_BYTES);
  writeHead(bytes, kind, epoch, seq);
  return bytes;
}

/**
 * The messages carrying one frame given as `chunks` (`total` bytes in all): one DATA message
 * when it fits in `maxPayload`, else CHUNK messages of at most `maxPayload` bytes each. The
 * frame's bytes are copied once, into the messages. Small messages come from Node's shared
 * buffer pool (`Buffer.allocUnsafe`): one ArrayBuffer per message would cost more than the copy.
 */
export function frameMessages(chunks: readonly Uint8Array[], total: number, epoch: number, seq: number, maxPayload: number): Uint8Array[] {
  if (NATS_HEAD_BYTES + total <= maxPayload) {
    const message = Buffer.allocUnsafe(NATS_HEAD_BYTES + total);
    writeHead(message, NatsKind.DATA, epoch, seq);
    let at = NATS_HEAD_BYTES;
    for (const chunk of chunks) {
      message.set(chunk, at);
      at += chunk.byteLength;
    }
    return [message];
  }
  const room = maxPayload - NATS_CHUNK_HEAD_BYTES;
  const messages: Uint8Array[] = [];
  let chunk = 0;
  let within = 0;
  let offset = 0;
  do {
    const length = Math.min(room, total - offset);
    const message = Buffer.allocUnsafe(NATS_CHUNK_HEAD_BYTES + length);
    writeHead(message, NatsKind.CHUNK, epoch, seq);
    message.writeUInt32BE(offset, 16);
    message.writeUInt32BE(total, 20);
    let at = NATS_CHUNK_HEAD_BYTES;
    while (at < message.length) {
      const source = chunks[chunk]!;
      const n = Math.min(source.byteLength - within, message.length - at);
      message.set(source.subarray(within, within + n), at);
      at += n;
      within += n;
      if (within === source.byteLength) {
        chunk++;
        within = 0;
      }
    }
    messages.push(message);
    offset += length;
  } while (offset < total);
  return messages;
}

/**
 * Decodes one message of a data subject; the body is a view into `bytes`.
 * @throws FrameDecodeError for a message too short, of another version or an unknown kind.
 */
export function decodeMessage(bytes: Uint8Array): NatsMessage {
  if (bytes.byteLength < NATS_HEAD_BYTES) throw new FrameDecodeError(`NATS message of ${bytes.byteLength} bytes is shorter than its header`, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== NATS_WIRE_VERSION) throw new FrameDecodeError(`NATS message of wire version ${view.getUint8(0)}; this code reads version ${NATS_WIRE_VERSION}`, 0);
  const kind = view.getUint8(1) as NatsKind;
  if (kind < NatsKind.DATA || kind > NatsKind.BATCH) throw new FrameDecodeError(`unknown NATS message kind ${kind}`, 1);
  const epoch = view.getUint32(4);
  const seq = view.getUint32(8) * 2 ** 32 + view.getUint32(12);
  if (kind !== NatsKind.CHUNK) return { kind, epoch, seq, offset: 0, total: bytes.byteLength - NATS_HEAD_BYTES, body: bytes.subarray(NATS_HEAD_BYTES) };
  if (bytes.byteLength < NATS_CHUNK_HEAD_BYTES) throw new FrameDecodeError("NATS CHUNK message shorter than its header", 0);
  const offset = view.getUint32(16);
  const total = view.getUint32(20);
  const body = bytes.subarray(NATS_CHUNK_HEAD_BYTES);
  if (offset + body.byteLength > total) throw new FrameDecodeError(`NATS CHUNK of ${body.byteLength} bytes at ${offset} overflows its frame of ${total}`, 16);
  return { kind, epoch, seq, offset, total, body };
}

/**
 * `view` as a frame to deliver: itself when it takes most of its ArrayBuffer (nats.js gives
 * each message a buffer of its own), else a copy, so that a frame a program keeps does not
 * keep a whole BATCH message (or socket read) alive.
 */
export function ownFrame(view: Uint8Array): Uint8Array {
  return view.byteLength * 2 >= view.buffer.byteLength ? view : new Uint8Array(view);
}

/**
 * Puts CHUNK messages back together. A chunk that does not continue the frame being assembled
 * (one was lost in between: a broker outage, a slow-consumer drop) abandons that frame; its
 * sequence number then shows as a gap, which the subscription counts as a drop.
 */
export class ChunkAssembler {
  #frame: Uint8Array | undefined;
  #epoch = 0;
  #seq = -1;
  #filled = 0;

  /** The whole frame once `message`, a CHUNK, completes it; otherwise undefined. */
  push(message: NatsMessage): Uint8Array | undefined {
    const continues = this.#frame !== undefined && message.epoch === this.#epoch && message.seq === this.#seq && message.offset === this.#filled && message.total === this.#frame.byteLength;
    if (!continues) {
      this.#frame = undefined;
      if (message.offset !== 0) return undefined; // The middle of a frame whose start was lost.
      this.#frame = new Uint8Array(message.total);
      this.#epoch = message.epoch;
      this.#seq = message.seq;
      this.#filled = 0;
    }
    this.#frame!.set(message.body, this.#filled);
    this.#filled += message.body.byteLength;
    if (this.#filled < this.#frame!.byteLength) return undefined;
    const frame = this.#frame;
    this.#frame = undefined;
    return frame;
  }

  /** Forgets a frame being assembled (the connection dropped). */
  reset(): void {
    this.#frame = undefined;
  }
}
