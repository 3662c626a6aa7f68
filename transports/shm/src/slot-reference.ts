import { FrameDecodeError } from "@rivulet/core";
import { type WireDelivery, type WireExtension, WireKind } from "@rivulet/transport-unix";
import { ShmSegment } from "./shm-segment.js";
import { SLOT_HOLDER_BYTES, releaseHolder, viewSlot } from "./shm-slot.js";

/** Bytes of a SLOT wire frame's body: the slot's index, its generation, the frame's length (u32 LE each). */
export const SLOT_REFERENCE_BYTES = 12;

/**
 * The subscriber's side of a shared-memory channel: maps the channel's segment once, when the
 * connection is up (the publisher created it before listening), and turns each SLOT reference
 * into the frame in place: a new ArrayBuffer over the slot (viewSlot), so that a view a program
 * keeps holds the slot until it is collected, and a lease whose `release()` clears this
 * subscriber's bit at once (FrameLease). A reference to a slot that does not carry this
 * subscriber's bit at that generation is refused as corrupt: its bytes may be another frame's.
 *
 * While this subscriber's frames are being released (fewer than half the ring's slots held by
 * it) the views are `uncounted`: V8 does not take them for allocated memory, so no garbage
 * collection follows them. Once it holds half the ring (a program keeps the frames it read, or
 * drops them without release()), views are counted again and V8's collections give the slots
 * of dropped views back.
 */
export class SlotFrames implements WireExtension {
  #buffer: ArrayBuffer | undefined;
  #words: BigUint64Array | undefined;
  #slots = 0;
  /** Views at or above this many slots held are counted (half the ring, at least 1). */
  #countFrom = 1;
  /** Frames delivered and not released through their lease: at most the slots this subscriber holds. */
  #unreleased = 0;

  /**
   * @param bit this subscriber's holder bit (2 to the power of its place in the plan's list).
   */
  constructor(
    readonly channel: string,
    readonly segment: string,
    readonly slotBytes: number,
    readonly bit: number,
  ) {}

  connected(): void {
    const segment = ShmSegment.open(this.segment);
    this.#buffer = segment.buffer;
    this.#words = new BigUint64Array(this.#buffer);
    this.#slots = Math.floor(this.#buffer.byteLength / this.slotBytes);
    this.#countFrom = Math.max(1, Math.floor(this.#slots / 2));
    segment.close();
  }

  /** How many slots carry this subscriber's bit, at any generation (frames it holds or has yet to read). */
  #heldSlots(words: BigUint64Array): number {
    const bit = BigInt(this.bit);
    const stride = this.slotBytes / 8;
    let held = 0;
    for (let slot = 0; slot < this.#slots; slot++) if ((Atomics.load(words, slot * stride) & bit) !== 0n) held++;
    return held;
  }

  deliver(kind: number, body: Uint8Array): WireDelivery {
    const buffer = this.#buffer;
    const words = this.#words;
    if (kind !== WireKind.SLOT || body.byteLength !== SLOT_REFERENCE_BYTES || !buffer || !words) {
      throw new FrameDecodeError(`unexpected wire kind ${kind} (${body.byteLength} bytes) on shared-memory channel '${this.channel}'`);
    }
    const view = new DataView(body.buffer, body.byteOffset, SLOT_REFERENCE_BYTES);
    const index = view.getUint32(0, true);
    const generation = view.getUint32(4, true);
    const length = view.getUint32(8, true);
    const offset = index * this.slotBytes;
    if (length > this.slotBytes - SLOT_HOLDER_BYTES || offset + this.slotBytes > buffer.byteLength) {
      throw new FrameDecodeError(`slot reference out of range on channel '${this.channel}': slot ${index}, ${length} bytes`);
    }
    const word = offset / 8;
    const holder = Atomics.load(words, word);
    if (Number(holder >> 32n) !== generation || (Number(holder & 0xffffffffn) & this.bit) === 0) {
      throw new FrameDecodeError(`slot ${index} of channel '${this.channel}' is not held for this subscriber at generation ${generation}`);
    }
    // Frames released by the garbage collector are not seen here: recount before counting views.
    if (this.#unreleased >= this.#countFrom) this.#unreleased = this.#heldSlots(words);
    const uncounted = this.#unreleased < this.#countFrom;
    const frame = new Uint8Array(viewSlot(buffer, offset, SLOT_HOLDER_BYTES + length, generation, this.bit, { uncounted }), SLOT_HOLDER_BYTES, length);
    this.#unreleased++;
    const bit = this.bit;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#unreleased = Math.max(0, this.#unreleased - 1);
      releaseHolder(words, word, generation, bit);
    };
    return { frame, lease: { release } };
  }
}
