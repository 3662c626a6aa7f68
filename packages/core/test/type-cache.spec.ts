import { Float64, Int8, Utf8 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { TypeDescriptorCache, fnv1a, sameBytes } from "../src/type-cache.js";

describe("TypeDescriptorCache", () => {
  it("returns one type object per descriptor, keeps its own copy of the bytes, and tells colliding descriptors apart", () => {
    const cache = new TypeDescriptorCache();
    const view = Uint8Array.of(1);
    const float = cache.typeOf(view);
    expect(float).toBeInstanceOf(Float64);
    view[0] = 12; // the bytes were a view into a frame that is reused: the cache copied them
    expect(cache.typeOf(Uint8Array.of(1))).toBe(float);
    expect(cache.typeOf(view)).toBeInstanceOf(Utf8);
    expect(cache.size).toBe(2);
    // Two descriptors forced into one bucket: an FNV-1a collision is resolved by comparing bytes.
    const colliding = new TypeDescriptorCache();
    const a = colliding.intern(Uint8Array.of(3), new Int8());
    const other = new Utf8();
    (colliding as unknown as { remember(hash: number, bytes: Uint8Array, type: unknown): void }).remember(fnv1a([3]), Uint8Array.of(12), other);
    expect(colliding.intern(Uint8Array.of(3), new Int8())).toBe(a);
    expect(colliding.intern(Uint8Array.of(12), new Utf8())).not.toBe(other); // another hash: its own bucket
    expect(colliding.size).toBe(3);
  });

  it("starts afresh once maxEntries descriptors are held", () => {
    const cache = new TypeDescriptorCache(2);
    const first = cache.typeOf(Uint8Array.of(1));
    cache.typeOf(Uint8Array.of(2));
    expect(cache.size).toBe(2);
    expect(cache.typeOf(Uint8Array.of(1))).toBe(first);
    cache.typeOf(Uint8Array.of(3));
    expect(cache.size).toBe(1);
    expect(cache.typeOf(Uint8Array.of(1))).not.toBe(first);
  });
});

describe("fnv1a and sameBytes", () => {
  it("hash every byte, and compare lengths and every byte", () => {
    expect(fnv1a([])).toBe(0x811c9dc5);
    expect(fnv1a([1, 2])).not.toBe(fnv1a([1, 3]));
    expect(fnv1a([1, 2])).not.toBe(fnv1a([2, 2]));
    expect(fnv1a(Uint8Array.of(0x61))).toBe(0xe40c292c); // FNV-1a of "a"
    expect(sameBytes(Uint8Array.of(1, 2), [1, 2])).toBe(true);
    expect(sameBytes(Uint8Array.of(1, 2), [1, 2, 3])).toBe(false);
    expect(sameBytes(Uint8Array.of(1, 2, 3), [1, 2])).toBe(false);
    expect(sameBytes(Uint8Array.of(1, 2), [1, 3])).toBe(false);
    expect(sameBytes(Uint8Array.of(9, 2), [1, 2])).toBe(false);
  });
});
