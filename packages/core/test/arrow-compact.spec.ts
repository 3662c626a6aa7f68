import { Field, Float64, Struct, makeData, makeVector } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { concat } from "./arrow-bytes.js";
import { decodeValue, encodeValue, ValueEncoder } from "../src/arrow-codec.js";
import { COMPACT_INLINE_BYTES, MAX_TYPE_DEPTH } from "../src/constants.js";
import { PayloadEncoding } from "../src/frame-codec.js";
import { TypeDescriptorCache } from "../src/type-cache.js";

const reading = { id: "dev-1", t: 21.5, ok: true, n: 3, tag: "a" };

describe("compact layout", () => {
  it("decodes messages of one shape to one cached type object", () => {
    const types = new TypeDescriptorCache();
    const first = decodeValue(PayloadEncoding.ARROW_COMPACT, concat(encodeValue(reading).chunks), { types });
    const second = decodeValue(PayloadEncoding.ARROW_COMPACT, concat(encodeValue({ ...reading, t: 3 }).chunks), { types });
    expect(second.type).toBe(first.type);
    expect(types.size).toBe(1);
    const other = decodeValue(PayloadEncoding.ARROW_COMPACT, concat(encodeValue({ x: 1 }).chunks), { types });
    expect(other.type).not.toBe(first.type);
  });

  it("starts the cache afresh when it is full", () => {
    const types = new TypeDescriptorCache(2);
    for (const key of ["a", "b", "c"]) decodeValue(PayloadEncoding.ARROW_COMPACT, concat(encodeValue({ [key]: 1 }).chunks), { types });
    expect(types.size).toBe(1);
  });

  it("gives every message of one inferred shape the same type object on the sending side", () => {
    const encoder = new ValueEncoder();
    expect(encoder.toVector({ ...reading, n: 4 }).type).toBe(encoder.toVector(reading).type);
  });

  it("views nested values in the received bytes without copying", () => {
    const rows = Array.from({ length: 4 }, (_, i) => ({ t: i * 1.5, tags: ["a", "b"] }));
    const bytes = concat(encodeValue(rows).chunks);
    const vector = decodeValue(PayloadEncoding.ARROW_COMPACT, bytes);
    const t = vector.getChild("t")!.data[0]!;
    expect((t.values as Float64Array).buffer).toBe(bytes.buffer);
    const tags = vector.getChild("tags")!.data[0]!;
    expect(tags.valueOffsets.buffer).toBe(bytes.buffer);
    expect(tags.children[0]!.values.buffer).toBe(bytes.buffer);
  });

  it("copies unaligned buffers into aligned ones and still decodes them", () => {
    const encoded = encodeValue([{ t: 1.5, n: 2n }]);
    expect(encoded.encoding).toBe(PayloadEncoding.ARROW_COMPACT);
    const shifted = new Uint8Array(encoded.byteLength + 1).subarray(1);
    shifted.set(concat(encoded.chunks));
    const vector = decodeValue(encoded.encoding, shifted);
    expect(vector.get(0)!.toJSON()).toEqual({ t: 1.5, n: 2n });
  });

  it("sends a large buffer of a nested column as its own chunk, not a copy", () => {
    const values = new Float64Array(COMPACT_INLINE_BYTES / 8 + 1).fill(2);
    const struct = makeVector(makeData({ type: new Struct([new Field("x", new Float64(), false)]), length: values.length, nullCount: 0, children: [makeData({ type: new Float64(), length: values.length, nullCount: 0, data: values })] }));
    const encoded = encodeValue(struct);
    expect(encoded.encoding).toBe(PayloadEncoding.ARROW_COMPACT);
    expect(encoded.chunks.some((chunk) => chunk.buffer === values.buffer)).toBe(true);
    expect(encoded.byteLength).toBe(concat(encoded.chunks).byteLength);
    expect([...decodeValue(encoded.encoding, concat(encoded.chunks)).getChild("x")!]).toEqual([...values]);
  });

  it("copies small buffers next to the head: one chunk per small message", () => {
    expect(encodeValue(reading).chunks).toHaveLength(1);
  });

  it("sends types nested deeper than readers accept as Arrow IPC", () => {
    let value: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < MAX_TYPE_DEPTH + 1; i++) value = { a: value };
    const encoded = encodeValue(value);
    expect(encoded.encoding).toBe(PayloadEncoding.ARROW_IPC);
    expect(JSON.stringify(decodeValue(encoded.encoding, concat(encoded.chunks)).get(0)!.toJSON())).toBe(JSON.stringify(value));
  });

  it.each<[string, (bytes: Uint8Array) => Uint8Array]>([
    ["a payload of the first compact layout (a type code where the tag is)", (b) => ((b[0] = 1), b)],
    ["unknown flags", (b) => ((b[1] = 1), b)],
    ["an unknown type code", (b) => ((b[16] = 99), b)],
    ["a cut head", (b) => b.subarray(0, 10)],
    ["a cut buffer", (b) => b.subarray(0, b.byteLength - 8)],
    ["a node count that runs past the end", (b) => ((b[7] = 0x7f), b)],
  ])("rejects %s with FrameDecodeError", (_, damage) => {
    const bytes = damage(concat(encodeValue(reading).chunks));
    expect(() => decodeValue(PayloadEncoding.ARROW_COMPACT, bytes)).toThrow(expect.objectContaining({ name: "FrameDecodeError" }));
  });

  it("rejects string offsets that run past their values with FrameDecodeError", () => {
    const encoded = encodeValue(["ab", "cd"]);
    const bytes = concat(encoded.chunks);
    const vector = decodeValue(encoded.encoding, bytes);
    const offsets = vector.data[0]!.valueOffsets;
    const at = offsets.byteOffset - bytes.byteOffset + 2 * 4;
    new DataView(bytes.buffer).setInt32(at, 1000, true);
    expect(() => decodeValue(encoded.encoding, bytes)).toThrow(expect.objectContaining({ name: "FrameDecodeError" }));
  });
});
