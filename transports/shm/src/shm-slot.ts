import { type ShmAddon, loadShmAddon } from "./shm-addon.js";
import { assertShmName } from "./shm-name.js";

/**
 * Bytes at the start of every slot: its holder word, 64 bits little-endian, the slot's
 * generation in the high 32 bits and one bit per subscriber still holding it in the low 32.
 * The frame follows.
 */
export const SLOT_HOLDER_BYTES = 8;

/** The page size slots are aligned to (a slot is mapped on its own, from a page boundary). */
export const SLOT_ALIGN_BYTES = 4096;

/** A holder word: `generation` and the `holders` bit mask. */
export function holderWord(generation: number, holders: number): bigint {
  return (BigInt(generation >>> 0) << 32n) | BigInt(holders >>> 0);
}

/**
 * Maps one slot of segment `name` on its own, for one received frame: an ArrayBuffer of
 * `length` bytes from `offset` (a multiple of SLOT_ALIGN_BYTES), holder word first. Every view
 * of the frame taken from it keeps the mapping; when the last is garbage collected the addon
 * clears `mask` from the slot's holder word, if the slot is still at `generation`, and unmaps
 * it. So a view a program kept never sees its bytes reused, and a subscriber that reads a frame
 * and forgets it still gives the slot back.
 * @throws RangeError for an offset off a page boundary or a slot shorter than its holder word;
 *   the addon's errors (errno `code`) when the segment cannot be opened or mapped.
 */
export function mapSlot(name: string, offset: number, length: number, generation: number, mask: number, addon: ShmAddon = loadShmAddon()): ArrayBuffer {
  assertShmName(name);
  return addon.mapSlot(name, offset, length, generation, mask);
}

/**
 * Clears `mask` from the holder word at `index` of `words` (a BigUint64Array over the segment)
 * if the slot is still at `generation`: the deterministic release of a subscriber done with a
 * frame, the same rule the addon applies at garbage collection, so the two never clear a bit
 * of a later frame. Returns whether a bit was cleared.
 */
export function releaseHolder(words: BigUint64Array, index: number, generation: number, mask: number): boolean {
  const bits = BigInt(mask >>> 0);
  for (;;) {
    const old = Atomics.load(words, index);
    if (old >> 32n !== BigInt(generation >>> 0) || (old & bits) === 0n) return false;
    if (Atomics.compareExchange(words, index, old, old & ~bits) === old) return true;
  }
}
