import { SLOT_ALIGN_BYTES, SLOT_HOLDER_BYTES, holderWord } from "./shm-slot.js";

/** A slot claimed for one frame: where it is, and the generation its holder word now carries. */
export interface ClaimedSlot {
  index: number;
  /** Byte offset of the slot in the segment (a multiple of SLOT_ALIGN_BYTES). */
  offset: number;
  generation: number;
}

/**
 * The publisher's view of a ring of equal slots in one shared-memory segment, kept entirely in
 * the slots' holder words (see shm-slot.ts): a slot is free when no subscriber bit is set. A
 * frame claims a free slot with the bits of the subscribers it goes to and a new generation;
 * each subscriber clears its bit when done with the frame (deterministically, or when its views
 * are collected), and the publisher clears the bits of a subscriber that left (`forget`), so a
 * subscriber killed with SIGKILL does not hold its slots forever. Nothing here blocks: when no
 * slot is free, `claim` says so and the caller decides (send inline, wait, or drop).
 */
export class SlotRing {
  readonly #words: BigUint64Array;
  #next = 0;

  /**
   * @param buffer the segment's mapping (its length a multiple of `slotBytes`).
   * @param slotBytes bytes per slot, holder word included: a multiple of SLOT_ALIGN_BYTES.
   */
  constructor(
    buffer: ArrayBuffer,
    readonly slotBytes: number,
  ) {
    if (!Number.isSafeInteger(slotBytes) || slotBytes <= 0 || slotBytes % SLOT_ALIGN_BYTES !== 0) {
      throw new RangeError(`slot size must be a positive multiple of ${SLOT_ALIGN_BYTES} bytes, not ${slotBytes}`);
    }
    if (buffer.byteLength % slotBytes !== 0 || buffer.byteLength === 0) {
      throw new RangeError(`a segment of ${buffer.byteLength} bytes is not a whole number of ${slotBytes}-byte slots`);
    }
    this.#words = new BigUint64Array(buffer);
  }

  /** How many slots the ring has. */
  get slotCount(): number {
    return (this.#words.length * 8) / this.slotBytes;
  }

  /** The largest frame a slot holds (its bytes after the holder word). */
  get frameBytes(): number {
    return this.slotBytes - SLOT_HOLDER_BYTES;
  }

  /** Slots no subscriber holds now. */
  get freeCount(): number {
    let free = 0;
    for (let i = 0; i < this.slotCount; i++) if (this.holders(i) === 0) free++;
    return free;
  }

  /** The subscriber bits set on slot `index`. */
  holders(index: number): number {
    return Number(Atomics.load(this.#words, this.#at(index)) & 0xffffffffn);
  }

  /** The generation of slot `index`. */
  generation(index: number): number {
    return Number(Atomics.load(this.#words, this.#at(index)) >> 32n);
  }

  /**
   * Claims a free slot for a frame going to the subscribers in `holders` (a non-zero bit mask),
   * round robin from after the last claim, with the next generation. Undefined when every slot
   * is held.
   */
  claim(holders: number): ClaimedSlot | undefined {
    if (!Number.isInteger(holders) || holders <= 0 || holders > 0xffffffff) throw new RangeError(`holders must be a non-zero 32-bit mask, not ${holders}`);
    const count = this.slotCount;
    for (let step = 0; step < count; step++) {
      const index = (this.#next + step) % count;
      const at = this.#at(index);
      const old = Atomics.load(this.#words, at);
      if ((old & 0xffffffffn) !== 0n) continue;
      const generation = (Number(old >> 32n) + 1) >>> 0;
      if (Atomics.compareExchange(this.#words, at, old, holderWord(generation, holders)) !== old) continue;
      this.#next = (index + 1) % count;
      return { index, offset: index * this.slotBytes, generation };
    }
    return undefined;
  }

  /**
   * A subscriber left (its connection closed, the process may have died): clears its `bit` from
   * every slot, whatever the generation, so what only it held is free again. Returns how many
   * slots it still held.
   */
  forget(bit: number): number {
    const mask = BigInt(bit >>> 0);
    let held = 0;
    for (let index = 0; index < this.slotCount; index++) {
      const at = this.#at(index);
      for (;;) {
        const old = Atomics.load(this.#words, at);
        if ((old & mask) === 0n) break;
        if (Atomics.compareExchange(this.#words, at, old, old & ~mask) === old) {
          held++;
          break;
        }
      }
    }
    return held;
  }

  /** The index of slot `index`'s holder word in the segment's 64-bit words. */
  #at(index: number): number {
    return (index * this.slotBytes) / 8;
  }
}
