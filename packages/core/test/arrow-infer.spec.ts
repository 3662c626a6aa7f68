import { Dictionary, Int32, Int8, List, Field, Struct, TimestampMicrosecond, Uint64, Utf8, Float64, Type } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { concat } from "./arrow-bytes.js";
import { type SendableValue, decodeValue, encodeValue, toVector } from "../src/arrow-codec.js";
import { PayloadEncoding } from "../src/frame-codec.js";

function roundTrip(value: SendableValue, options?: Parameters<typeof encodeValue>[1]) {
  const encoded = encodeValue(value, options);
  return { encoding: encoded.encoding, vector: decodeValue(encoded.encoding, concat(encoded.chunks)) };
}

describe("type inference of plain values", () => {
  // Flat numbers, bigints, strings and booleans kept their types from the first layout
  // (arrow-codec.spec.ts, and every type in arrow-roundtrip.spec.ts); these rows are the new ones.
  it.each<[string, string, SendableValue]>([
    ["an integer-valued number inside an object", "Struct<{n:Float64}>", { n: 3 }],
    ["a Date", "Timestamp<MILLISECOND>", new Date(5)],
    ["only nulls", "Null", [null, undefined]],
    ["an empty array", "Null", []],
    ["an object", "Struct<{a:Float64, b:Utf8}>", { a: 1, b: "x" }],
    ["a nested object and array", "Struct<{p:Struct<{q:List<Int64>}>}>", { p: { q: [1n] } }],
    ["a Uint8Array inside an object", "Struct<{raw:Binary}>", { raw: Uint8Array.of(1) }],
    ["a Float32Array inside an object", "Struct<{xs:List<Float32>}>", { xs: Float32Array.of(1) }],
    ["rows of objects with different keys", "Struct<{a:Float64, b:Bool}>", [{ a: 1 }, { b: true }]],
    ["rows of lists", "List<Float64>", [[1, 2], [], null]],
  ])("infers %s as %s and sends it compactly", (_, type, value) => {
    const { encoding, vector } = roundTrip(value);
    expect(vector.type.toString()).toBe(type);
    expect(encoding).toBe(PayloadEncoding.ARROW_COMPACT);
  });

  it("makes every struct field and list item nullable and names list items 'item'", () => {
    const type = toVector({ a: [1] }).type as Struct;
    expect(type.children[0]!.nullable).toBe(true);
    const list = type.children[0]!.type as List;
    expect(list.children[0]!.name).toBe("item");
    expect(list.children[0]!.nullable).toBe(true);
  });

  it("fills fields missing from a row with nulls, in first-seen field order", () => {
    const { vector } = roundTrip([{ b: 1 }, { a: "x", b: 2 }, null]);
    expect(vector.toArray().map((row: { toJSON(): unknown } | null) => row?.toJSON() ?? null)).toEqual([{ b: 1, a: null }, { b: 2, a: "x" }, null]);
  });

  it.each<[string, SendableValue, string]>([
    ["a number and a string in one field", [{ tag: 1 }, { tag: "a" }], "$[].tag"],
    ["a number and a bigint", [1, 2n], "$[]"],
    ["mixed list elements of a nested field", { a: { xs: [1, "2"] } }, "$.a.xs[]"],
    ["a bigint above int64", { n: 2n ** 63n }, "$.n"],
    ["a class instance", { m: new Map() }, "$.m"],
    ["a function", { f: () => 1 }, "$.f"],
    ["two kinds of typed arrays", [{ v: Float32Array.of(1) }, { v: Int8Array.of(1) }], "$[].v"],
    ["an odd key", { "a b": [1, true] }, '$["a b"][]'],
  ])("rejects %s with UnsupportedValueError naming the path", (_, value, path) => {
    expect(() => encodeValue(value)).toThrow(expect.objectContaining({ name: "UnsupportedValueError", path }));
  });
});

describe("explicit types", () => {
  it("builds the given type instead of inferring one", () => {
    const { vector } = roundTrip([1, -2, null], { type: new Int8() });
    expect(vector.type.toString()).toBe("Int8");
    expect([...vector]).toEqual([1, -2, null]);
    const one = roundTrip(7, { type: new Int32() });
    expect([...one.vector]).toEqual([7]);
  });

  it("builds structs with typed fields, timestamps and 64-bit integers", () => {
    const type = new Struct([new Field("at", new TimestampMicrosecond(), true), new Field("n", new Uint64(), false), new Field("xs", new List(new Field("item", new Float64(), true)), true)]);
    const { encoding, vector } = roundTrip({ at: new Date(1_700_000_000_123), n: 2n ** 64n - 1n, xs: [1, null] }, { type });
    expect(encoding).toBe(PayloadEncoding.ARROW_COMPACT);
    expect(vector.type.toString()).toBe(type.toString());
    const row = vector.get(0)!;
    // Arrow reads timestamps of every unit back as milliseconds; the stored value is in microseconds.
    expect(row.at).toBe(1_700_000_000_123);
    expect(vector.getChild("at")!.data[0]!.values[0]).toBe(1_700_000_000_123_000n);
    expect(row.n).toBe(2n ** 64n - 1n);
    expect([...row.xs]).toEqual([1, null]);
  });

  it("builds dictionaries for repeated strings", () => {
    const type = new Dictionary(new Utf8(), new Int32());
    const { encoding, vector } = roundTrip(["a", "b", "a", null, "a"], { type });
    expect(encoding).toBe(PayloadEncoding.ARROW_COMPACT);
    expect(vector.type.typeId).toBe(Type.Dictionary);
    expect(vector.data[0]!.dictionary!.length).toBe(2);
    expect([...vector]).toEqual(["a", "b", "a", null, "a"]);
  });

  it.each<[string, SendableValue, Parameters<typeof encodeValue>[1], string]>([
    ["an out-of-range Int8", [1, 300], { type: new Int8() }, "$[]"],
    ["a fraction in an integer column", { n: 1.5 }, { type: new Struct([new Field("n", new Int32(), true)]) }, "$.n"],
    ["a string in a number list", [["x"]], { type: new List(new Field("item", new Float64(), true)) }, "$[][]"],
    ["a bare number where the rows are lists", [1], { type: new List(new Field("item", new Float64(), true)) }, "$[]"],
  ])("rejects %s with UnsupportedValueError naming the path", (_, value, options, path) => {
    expect(() => encodeValue(value, options)).toThrow(expect.objectContaining({ name: "UnsupportedValueError", path }));
  });
});
