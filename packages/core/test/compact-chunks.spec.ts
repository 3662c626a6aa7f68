import { describe, expect, it } from "vitest";
import { concat } from "./arrow-bytes.js";
import { decodeValue, encodeValue } from "../src/arrow-codec.js";
import { COMPACT_INLINE_BYTES } from "../src/constants.js";

/** The chunks of a compact payload, with what the layout promises of them checked. */
function chunksOf(value: Parameters<typeof encodeValue>[0]): Uint8Array[] {
  const { chunks } = encodeValue(value);
  expect(chunks.every((chunk) => chunk.byteLength > 0)).toBe(true); // no empty chunk is handed to a transport
  expect(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0) % 8).toBe(0); // buffers stay 8-byte aligned
  return chunks;
}

describe("compact payload chunks", () => {
  it("keeps a buffer of exactly COMPACT_INLINE_BYTES in the head's block: one chunk", () => {
    const values = Float64Array.from({ length: COMPACT_INLINE_BYTES / 8 }, (_, i) => i);
    const chunks = chunksOf(values);
    expect(chunks).toHaveLength(1);
    expect([...decodeValue(2, concat(chunks))]).toEqual([...values]);
  });

  it("sends a larger buffer as the caller's own memory, in a chunk of its own, with no padding when aligned", () => {
    const values = Float64Array.from({ length: COMPACT_INLINE_BYTES / 8 + 1 }, (_, i) => i);
    const chunks = chunksOf(values);
    expect(chunks).toHaveLength(2);
    expect(chunks[1]!.buffer).toBe(values.buffer);
    expect([...decodeValue(2, concat(chunks))]).toEqual([...values]);
  });

  it("pads a large buffer whose length is not a multiple of 8 with a chunk of the missing bytes", () => {
    const text = "x".repeat(COMPACT_INLINE_BYTES + 3);
    const chunks = chunksOf([text]);
    const big = chunks.findIndex((chunk) => chunk.byteLength === text.length);
    expect(big).toBeGreaterThan(0);
    expect(chunks[big + 1]!.byteLength).toBe(5);
    expect(chunks[big + 1]!.every((b) => b === 0)).toBe(true);
    expect([...decodeValue(2, concat(chunks))]).toEqual([text]);
  });

  it("interleaves the head's block with large buffers in field order: small buffers after a large one follow it", () => {
    const big = Float64Array.from({ length: 300 }, (_, i) => i / 2);
    const rows = Array.from({ length: 300 }, (_, i) => ({ big: big[i]!, small: i % 2 === 0 }));
    const chunks = chunksOf(rows);
    // head and small buffers, the Float64 column (2,400 bytes), then the Bool column's small buffers.
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    const columnAt = chunks.findIndex((chunk) => chunk.byteLength === 2400);
    expect(columnAt).toBeGreaterThan(0);
    expect(columnAt).toBeLessThan(chunks.length - 1);
    const back = decodeValue(2, concat(chunks)).toArray() as { big: number; small: boolean }[];
    expect(back.map((row) => ({ big: row.big, small: row.small }))).toEqual(rows);
  });
});
