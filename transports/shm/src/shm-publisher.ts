import type { Server, Socket } from "node:net";
import { ClosedError, type FrameLoan, type SendOptions, type SubscriberPolicy, TransportError } from "@rivulet/core";
import { WIRE_HEAD_BYTES, writeWireHead } from "@rivulet/core/internal";
import { UnixPublisher, type UnixPublisherInit, type WireEntry, WireKind } from "@rivulet/transport-unix";
import { ShmSegmentExistsError } from "./shm-errors.js";
import { ShmSegment } from "./shm-segment.js";
import { SLOT_HOLDER_BYTES, holderWord, releaseHolder } from "./shm-slot.js";
import { SLOT_REFERENCE_BYTES } from "./slot-reference.js";
import { SlotRing } from "./slot-ring.js";

/**
 * Frames shorter than this go inline over the socket (the Unix transport's packing limit): a
 * socket copy of so few bytes costs no more than a slot's bookkeeping and the receiver's view
 * (bench/RESULTS.md, shm rows: 4 KB inline and 40 KB in a slot take about the same). Not yet
 * tuned by a sweep of its own.
 */
export const SHM_INLINE_BELOW_BYTES = 16 * 1024;

/** The holder bit the publisher keeps on a slot it lent (Publisher.loan) until the frame is committed. */
const LENDER_BIT = 0x8000_0000;

/** Most subscribers of one shared-memory channel: one holder bit each, the top bit is the lender's. */
export const MAX_SHM_SUBSCRIBERS = 31;

/** Options of a shared-memory publisher: the Unix publisher's, and its ring. */
export interface ShmPublisherInit extends UnixPublisherInit {
  /** The segment's name (created here, replacing a stale one of a previous run of the node). */
  segment: string;
  slots: number;
  /** Bytes per slot, holder word included. */
  slotBytes: number;
  /** Frames shorter than this go inline; default SHM_INLINE_BELOW_BYTES. */
  inlineBelowBytes?: number;
}

/** A frame in a slot: its SLOT reference on the wire, and the slot, to give back when a subscriber will not get it. */
interface SlotEntry extends WireEntry {
  slot?: { word: number; generation: number };
}

/**
 * Publishes one channel through shared memory. Subscribers connect and are served exactly as by
 * the Unix publisher (same HELLO, queue policies, credits and END); a frame of at least
 * SHM_INLINE_BELOW_BYTES (`inlineBelowBytes`) is copied into a free slot of the channel's ring (or written there in
 * place, through `loan`), and each subscriber gets a 12-byte SLOT reference instead of the bytes.
 * The slot's holder word carries one bit per subscriber the frame went to (the subscriber's
 * place in the plan's list); a subscriber clears its bit when done with the frame, the publisher
 * clears it for a frame it dropped for that subscriber, and every bit of a subscriber whose
 * connection closed (it may have been killed). A slot is claimed again only when no bit is left.
 *
 * Inline instead, over the socket, exactly as the Unix transport: frames under the threshold,
 * frames larger than a slot, preludes, and frames sent while every slot is held (a slow
 * subscriber's queue, or views a program kept): nothing waits for a slot and nothing is lost.
 */
export class ShmPublisher extends UnixPublisher {
  readonly #segment: ShmSegment;
  readonly #ring: SlotRing;
  readonly #words: BigUint64Array;
  readonly #bytes: Uint8Array;
  readonly #bits = new Map<Socket, number>();
  readonly #bySubscriber = new Map<number, Socket>();
  /** Bits of the subscribers attached now. */
  #mask = 0;
  readonly #inlineBelow: number;

  private constructor(init: ShmPublisherInit, server: Server, segment: ShmSegment) {
    super(init, server);
    this.#segment = segment;
    this.#ring = new SlotRing(segment.buffer, init.slotBytes);
    this.#words = new BigUint64Array(segment.buffer);
    this.#bytes = new Uint8Array(segment.buffer);
    this.#inlineBelow = init.inlineBelowBytes ?? SHM_INLINE_BELOW_BYTES;
  }

  /**
   * Creates the channel's segment (mode 0600; a stale one left by a killed run of this node is
   * replaced), then listens as the Unix publisher does.
   * @throws ShmSyscallError (ENOSPC when /dev/shm is full), ShmAddonUnavailableError, and what
   *   UnixPublisher.listen throws.
   */
  static override async listen(init: ShmPublisherInit, signal?: AbortSignal): Promise<ShmPublisher> {
    const segment = createReplacing(init.segment, init.slots * init.slotBytes);
    try {
      return new ShmPublisher(init, await UnixPublisher.listenOn(init, signal), segment);
    } catch (error) {
      segment.unlink();
      throw error;
    }
  }

  /** Lends a free slot for a frame of `length` bytes written in place; undefined when it would go inline. */
  loan(length: number): FrameLoan | undefined {
    if (this.closing || this.subscriberCount === 0 || length < this.#inlineBelow || length > this.#ring.frameBytes) return undefined;
    const slot = this.#ring.claim(LENDER_BIT);
    if (!slot) return undefined;
    const word = slot.offset / 8;
    let settled = false;
    return {
      bytes: new Uint8Array(this.#segment.buffer, slot.offset + SLOT_HOLDER_BYTES, length),
      commit: (options?: SendOptions) => {
        if (settled) throw new TransportError(`a loan of channel '${this.channel}' was committed twice`, this.channel);
        settled = true;
        if (this.closing || this.#mask === 0) {
          releaseHolder(this.#words, word, slot.generation, LENDER_BIT);
          if (this.closing) throw new ClosedError(`channel '${this.channel}' is closed`);
          return undefined;
        }
        // Only the lender's bit is set, so nobody else writes the word: hand it to the subscribers.
        Atomics.store(this.#words, word, holderWord(slot.generation, this.#mask));
        return this.offer(slotEntry(word, slot.generation, slot.index, length), options);
      },
      abandon: () => {
        if (settled) return;
        settled = true;
        releaseHolder(this.#words, word, slot.generation, LENDER_BIT);
      },
    };
  }

  protected override encode(chunks: readonly Uint8Array[], prelude = false): WireEntry {
    let length = 0;
    for (const chunk of chunks) length += chunk.byteLength;
    if (prelude || length < this.#inlineBelow || length > this.#ring.frameBytes) return super.encode(chunks);
    const slot = this.#ring.claim(this.#mask);
    if (!slot) return super.encode(chunks);
    let at = slot.offset + SLOT_HOLDER_BYTES;
    for (const chunk of chunks) {
      this.#bytes.set(chunk, at);
      at += chunk.byteLength;
    }
    return slotEntry(slot.offset / 8, slot.generation, slot.index, length);
  }

  protected override attach(id: string, socket: Socket, policy: SubscriberPolicy): void {
    const bit = 2 ** this.init.subscribers.indexOf(id);
    // The same subscriber again (its node restarted) before its old connection's close was seen.
    const old = this.#bySubscriber.get(bit);
    if (old) {
      this.detach(old);
      old.destroy();
    }
    this.#bits.set(socket, bit);
    this.#bySubscriber.set(bit, socket);
    this.#mask = (this.#mask | bit) >>> 0;
    super.attach(id, socket, policy);
  }

  protected override detach(socket: Socket): void {
    super.detach(socket);
    const bit = this.#bits.get(socket);
    if (bit === undefined) return;
    this.#bits.delete(socket);
    this.#bySubscriber.delete(bit);
    this.#mask = (this.#mask & ~bit) >>> 0;
    this.#ring.forget(bit);
  }

  protected override dropped(socket: Socket, entry: SlotEntry): void {
    const bit = this.#bits.get(socket);
    if (entry.slot && bit !== undefined) releaseHolder(this.#words, entry.slot.word, entry.slot.generation, bit);
  }

  protected override async shutdown(): Promise<void> {
    await super.shutdown();
    try {
      this.#segment.unlink();
    } catch {
      // Already gone (the run's cleanup got there first): nothing to do.
    }
    this.#segment.close();
  }
}

/** A SLOT wire frame referring to slot `index` at `generation`, holding a frame of `length` bytes. */
function slotEntry(word: number, generation: number, index: number, length: number): SlotEntry {
  const packed = Buffer.allocUnsafe(WIRE_HEAD_BYTES + SLOT_REFERENCE_BYTES);
  writeWireHead(packed, 0, WireKind.SLOT, SLOT_REFERENCE_BYTES);
  packed.writeUInt32LE(index, WIRE_HEAD_BYTES);
  packed.writeUInt32LE(generation, WIRE_HEAD_BYTES + 4);
  packed.writeUInt32LE(length, WIRE_HEAD_BYTES + 8);
  return { parts: [packed], bytes: packed.byteLength, slot: { word, generation } };
}

/** Creates a segment, replacing one of the same name left by a previous run of this node. */
function createReplacing(name: string, size: number): ShmSegment {
  try {
    return ShmSegment.create(name, size);
  } catch (error) {
    if (!(error instanceof ShmSegmentExistsError)) throw error;
    ShmSegment.unlink(name);
    return ShmSegment.create(name, size);
  }
}
