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
 */
export class SlotFrames implements WireExtension {
  #buffer: ArrayBuffer | undefined;
  #words: BigUint64Array | undefined;

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
    segment.close();
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
    const frame = new Uint8Array(viewSlot(buffer, offset, SLOT_HOLDER_BYTES + length, generation, this.bit), SLOT_HOLDER_BYTES, length);
    const bit = this.bit;
    return { frame, lease: { release: () => void releaseHolder(words, word, generation, bit) } };
  }
}
