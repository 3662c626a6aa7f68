import { describe, expect, it } from "vitest";
import { HELD_PREFIX_BYTES, HeldFrames } from "../src/index.js";

/** A frame of `bytes` bytes whose first byte is `id`. */
const frame = (id: number, bytes = 1): Uint8Array => {
  const f = new Uint8Array(bytes);
  f[0] = id;
  return f;
};
const drain = (held: HeldFrames): number[] => {
  const ids: number[] = [];
  for (let f = held.shift(); f; f = held.shift()) ids.push(f[0]!);
  return ids;
};

describe("HeldFrames", () => {
  it("holds small frames as they come, up to HELD_PREFIX_BYTES, without dropping", () => {
    const held = new HeldFrames(2);
    for (let id = 0; id < 8; id++) held.push(frame(id, HELD_PREFIX_BYTES / 8));
    expect(held.length).toBe(8);
    expect(held.drops).toBe(0);
    expect(drain(held)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("after the prefix keeps the newest queueSize frames and counts the ones dropped", () => {
    const held = new HeldFrames(2);
    const size = HELD_PREFIX_BYTES / 4;
    for (let id = 0; id < 10; id++) held.push(frame(id, size));
    // 0..3 fill the prefix; of 4..9 the newest two stay.
    expect(held.drops).toBe(4);
    expect(held.length).toBe(6);
    expect(drain(held)).toEqual([0, 1, 2, 3, 8, 9]);
    expect(held.drops).toBe(4);
  });

  it("takes a frame larger than the prefix into the newest ones (it can be dropped)", () => {
    const held = new HeldFrames(1);
    held.push(frame(0, HELD_PREFIX_BYTES + 1));
    held.push(frame(1, HELD_PREFIX_BYTES + 1));
    expect(held.drops).toBe(1);
    expect(drain(held)).toEqual([1]);
  });

  it("starts a new prefix once everything held was taken, and clear() keeps the count", () => {
    const held = new HeldFrames(1);
    const size = HELD_PREFIX_BYTES / 2;
    for (let id = 0; id < 4; id++) held.push(frame(id, size));
    expect(drain(held)).toEqual([0, 1, 3]);
    for (let id = 10; id < 13; id++) held.push(frame(id, size));
    expect(held.drops).toBe(1);
    expect(held.length).toBe(3);
    held.clear();
    expect(held.length).toBe(0);
    expect(held.shift()).toBeUndefined();
    expect(held.drops).toBe(1);
  });
});
