import { Bool, Float32, Int16, Int64, Struct, Table, Type, Uint32, Utf8, makeVector, tableFromArrays, vectorFromArray, Field, Float64 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { concat } from "./arrow-bytes.js";
import { decodeValue, encodeValue, encodeVector } from "../src/arrow-codec.js";
import { PayloadEncoding } from "../src/frame-codec.js";

function roundTrip(value: Parameters<typeof encodeValue>[0], offset = 0) {
  const encoded = encodeValue(value);
  const bytes = concat(encoded.chunks, offset);
  expect(bytes.byteLength).toBe(encoded.byteLength);
  return { encoding: encoded.encoding, vector: decodeValue(encoded.encoding, bytes) };
}

describe("arrow codec", () => {
  it("sends plain numbers as compact Float64", () => {
    const { encoding, vector } = roundTrip([1, 2.5, -3]);
    expect(encoding).toBe(PayloadEncoding.ARROW_COMPACT);
    expect(vector.type.typeId).toBe(Type.Float);
    expect([...vector]).toEqual([1, 2.5, -3]);
  });

  it.each([
    ["Int16", vectorFromArray([1, -2, 3], new Int16()), [1, -2, 3]],
    ["Uint32", vectorFromArray([1, 2, 4_000_000_000], new Uint32()), [1, 2, 4_000_000_000]],
    ["Float32", vectorFromArray([0.5, 1.5], new Float32()), [0.5, 1.5]],
    ["Int64", vectorFromArray([1n, -(2n ** 40n)], new Int64()), [1n, -(2n ** 40n)]],
    ["Bool with nulls", vectorFromArray([true, null, false, true, true, false, false, true, true], new Bool()), [true, null, false, true, true, false, false, true, true]],
    ["Utf8 with nulls", vectorFromArray(["a", null, "héllo", ""], new Utf8()), ["a", null, "héllo", ""]],
    ["Float64 with nulls", vectorFromArray([1, null, 3], new Float64()), [1, null, 3]],
  ])("round-trips %s compactly, aligned or not", (_, vector, expected) => {
    for (const offset of [0, 3]) {
      const { encoding, vector: back } = roundTrip(vector, offset);
      expect(encoding).toBe(PayloadEncoding.ARROW_COMPACT);
      expect(back.type.toString()).toBe(vector.type.toString());
      expect([...back]).toEqual(expected);
    }
  });

  it("views aligned payloads without copying", () => {
    const encoded = encodeValue(Float64Array.of(1, 2, 3, 4));
    const bytes = concat(encoded.chunks);
    const vector = decodeValue(encoded.encoding, bytes);
    expect((vector.data[0]!.values as Float64Array).buffer).toBe(bytes.buffer);
  });

  it("sends struct vectors compactly, dictionary fields included", () => {
    const struct = vectorFromArray([{ x: 1.5, y: "a" }, { x: 2.5, y: "b" }]);
    const { encoding, vector } = roundTrip(struct);
    expect(encoding).toBe(PayloadEncoding.ARROW_COMPACT);
    expect(vector.type.toString()).toBe(struct.type.toString());
    expect(vector.type).toBeInstanceOf(Struct);
    expect(vector.toArray().map((row: { toJSON(): unknown }) => row.toJSON())).toEqual([{ x: 1.5, y: "a" }, { x: 2.5, y: "b" }]);
  });

  it("sends a table as a struct vector", () => {
    const table = tableFromArrays({ a: Float64Array.of(1, 2), b: ["x", "y"] });
    const { vector } = roundTrip(table as Table);
    expect(vector.type.children.map((f: Field) => f.name)).toEqual(["a", "b"]);
    expect(vector.get(1)!.toJSON()).toEqual({ a: 2, b: "y" });
  });

  it("sends Uint8Array raw and strings, bigints and booleans as one-element arrays", () => {
    const raw = roundTrip(Uint8Array.of(9, 8, 7));
    expect(raw.encoding).toBe(PayloadEncoding.RAW);
    expect([...raw.vector]).toEqual([9, 8, 7]);
    expect([...roundTrip("hi").vector]).toEqual(["hi"]);
    expect([...roundTrip(5n).vector]).toEqual([5n]);
    expect([...roundTrip(true).vector]).toEqual([true]);
    expect([...roundTrip(["a", "b"]).vector]).toEqual(["a", "b"]);
  });

  it("sends null as an empty payload", () => {
    const { encoding, vector } = roundTrip(null);
    expect(encoding).toBe(PayloadEncoding.EMPTY);
    expect(vector.length).toBe(0);
  });

  it("falls back to IPC for sliced vectors", () => {
    const sliced = makeVector(Float64Array.of(1, 2, 3, 4)).slice(1, 3);
    const encoded = encodeVector(sliced);
    expect(encoded.encoding).toBe(PayloadEncoding.ARROW_IPC);
    expect([...decodeValue(encoded.encoding, encoded.chunks[0]!)]).toEqual([2, 3]);
  });

  it("rejects values it cannot send with UnsupportedValueError", () => {
    expect(() => encodeValue((() => 1) as never)).toThrow(expect.objectContaining({ name: "UnsupportedValueError" }));
    expect(() => encodeValue(new DataView(new ArrayBuffer(4)))).toThrow(expect.objectContaining({ name: "UnsupportedValueError" }));
  });

  it("rejects truncated payloads with FrameDecodeError", () => {
    const encoded = encodeValue([1, 2, 3]);
    const bytes = concat(encoded.chunks);
    expect(() => decodeValue(encoded.encoding, bytes.subarray(0, 30))).toThrow(expect.objectContaining({ name: "FrameDecodeError" }));
    expect(() => decodeValue(PayloadEncoding.ARROW_IPC, Uint8Array.of(1, 2, 3))).toThrow(expect.objectContaining({ name: "FrameDecodeError" }));
  });
});
