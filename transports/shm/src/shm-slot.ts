import { type ShmAddon, loadShmAddon } from "./shm-addon.js";

/**
 * Bytes at the start of every slot: its holder word, 64 bits little-endian, the slot's
 * generation in the high 32 bits and one bit per subscriber still holding it in the low 32.
 * The frame follows.
 */
export const SLOT_HOLDER_BYTES = 8;

/** The page size slots are aligned to (a slot starts on a page of its own). */
export const SLOT_ALIGN_BYTES = 4096;

/** A holder word: `generation` and the `holders` bit mask. */
export function holderWord(generation: number, holders: number): bigint {
  return (BigInt(generation >>> 0) << 32n) | BigInt(holders >>> 0);
}

/**
 * A new ArrayBuffer of `length` bytes over one slot of a mapped segment (`segment`, the buffer of
 * a ShmSegment), from `offset`, holder word first, for one received frame: no system call, the
 * segment stays mapped once per process. Every view of the frame taken from it keeps it (and the
 * segment's mapping) alive; when the last is garbage collected the addon clears `mask` from the
 * slot's holder word, if the slot is still at `generation`. So a view a program kept never sees
 * its bytes reused, and a subscriber that reads a frame and forgets it still gives the slot back.
 *
 * V8 counts a view's `length` as memory to collect, as if it were allocated, so views dropped
 * unreleased get collected soon (a major collection per ~64 MB of views). With `uncounted`, for
 * a caller whose frames are being released, the view is not counted and costs no collection.
 * @throws RangeError for an offset that is not a multiple of 8, a slot shorter than its holder
 *   word or one outside the segment; TypeError for a buffer the addon did not map.
 */
export function viewSlot(segment: ArrayBuffer, offset: number, length: number, generation: number, mask: number, options: { uncounted?: boolean; addon?: ShmAddon } = {}): ArrayBuffer {
  return (options.addon ?? loadShmAddon()).viewSlot(segment, offset, length, generation, mask, options.uncounted ?? false);
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
