import { afterEach, describe, expect, it } from "vitest";
import { SLOT_ALIGN_BYTES, SLOT_HOLDER_BYTES, ShmSegment, SlotRing, viewSlot, releaseHolder } from "../src/index.js";
import { segmentNames } from "./segment-names.js";

const names = segmentNames("ring");
afterEach(() => {
  expect(names.sweep(), "segments a test left behind").toEqual([]);
});

const SLOT = SLOT_ALIGN_BYTES;

describe("SlotRing", () => {
  it("claims free slots round robin with a new generation each time, and none when every slot is held", () => {
    const ring = new SlotRing(new ArrayBuffer(3 * SLOT), SLOT);
    expect([ring.slotCount, ring.frameBytes, ring.freeCount]).toEqual([3, SLOT - SLOT_HOLDER_BYTES, 3]);
    const claimed = [ring.claim(0b1), ring.claim(0b11), ring.claim(0b1)];
    expect(claimed).toEqual([
      { index: 0, offset: 0, generation: 1 },
      { index: 1, offset: SLOT, generation: 1 },
      { index: 2, offset: 2 * SLOT, generation: 1 },
    ]);
    expect(ring.freeCount).toBe(0);
    expect(ring.claim(0b1)).toBeUndefined();
    expect(ring.holders(1)).toBe(0b11);
  });

  it("a slot comes back when every holder released it, at its generation only; the next claim moves it on", () => {
    const buffer = new ArrayBuffer(2 * SLOT);
    const words = new BigUint64Array(buffer);
    const ring = new SlotRing(buffer, SLOT);
    const first = ring.claim(0b11)!;
    ring.claim(0b1);
    expect(releaseHolder(words, first.offset / 8, first.generation, 0b01)).toBe(true);
    expect(ring.claim(0b1)).toBeUndefined(); // subscriber 2 still holds slot 0
    expect(releaseHolder(words, first.offset / 8, first.generation, 0b10)).toBe(true);
    const again = ring.claim(0b100)!;
    expect(again).toEqual({ index: 0, offset: 0, generation: 2 });
    // A late release for the old frame (its views collected now) must not free the new one.
    expect(releaseHolder(words, 0, first.generation, 0b100)).toBe(false);
    expect(ring.holders(0)).toBe(0b100);
    expect(ring.generation(0)).toBe(2);
  });

  it("forgets a subscriber that left: its bits go from every slot, what only it held is free", () => {
    const ring = new SlotRing(new ArrayBuffer(3 * SLOT), SLOT);
    ring.claim(0b01);
    ring.claim(0b11);
    ring.claim(0b10);
    expect(ring.forget(0b01)).toBe(2);
    expect([ring.holders(0), ring.holders(1), ring.holders(2)]).toEqual([0, 0b10, 0b10]);
    expect(ring.freeCount).toBe(1);
    expect(ring.forget(0b01)).toBe(0);
  });

  it("refuses slot sizes off the page size, segments that are not whole slots, and empty holder masks", () => {
    expect(() => new SlotRing(new ArrayBuffer(SLOT), 1000)).toThrow(RangeError);
    expect(() => new SlotRing(new ArrayBuffer(SLOT + 8), SLOT)).toThrow(RangeError);
    expect(() => new SlotRing(new ArrayBuffer(0), SLOT)).toThrow(RangeError);
    const ring = new SlotRing(new ArrayBuffer(SLOT), SLOT);
    expect(() => ring.claim(0)).toThrow(RangeError);
    expect(() => ring.claim(2 ** 32)).toThrow(RangeError);
  });

  it("works over a real segment: a slot viewed on its own (from another mapping of the segment) sees the frame the publisher wrote, and its holder word", () => {
    const name = names.fresh();
    const segment = ShmSegment.create(name, 4 * SLOT);
    try {
      const ring = new SlotRing(segment.buffer, SLOT);
      const slot = ring.claim(0b1)!;
      segment.bytes.set([1, 2, 3], slot.offset + SLOT_HOLDER_BYTES);
      const mapped = viewSlot(ShmSegment.open(name).buffer, slot.offset, SLOT, slot.generation, 0b1);
      expect([...new Uint8Array(mapped, SLOT_HOLDER_BYTES, 3)]).toEqual([1, 2, 3]);
      expect(releaseHolder(new BigUint64Array(mapped), 0, slot.generation, 0b1)).toBe(true);
      expect(ring.holders(slot.index)).toBe(0);
    } finally {
      segment.unlink();
    }
  });
});
