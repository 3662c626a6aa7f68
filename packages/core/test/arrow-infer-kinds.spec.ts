import { Float32, Float64, Int16, Int32, Int64, Int8, List, Struct, Uint16, Uint32, Uint64, Uint8 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { describeValue, inferType, isPlainObject } from "../src/arrow-infer.js";

describe("type inference, kind by kind", () => {
  it.each([
    [Float64Array, Float64],
    [Float32Array, Float32],
    [Int8Array, Int8],
    [Int16Array, Int16],
    [Int32Array, Int32],
    [BigInt64Array, Int64],
    [Uint8ClampedArray, Uint8],
    [Uint16Array, Uint16],
    [Uint32Array, Uint32],
    [BigUint64Array, Uint64],
  ])("a %o in a column is a List of its element type", (ctor, element) => {
    const type = inferType([new (ctor as unknown as new (n: number) => ArrayBufferView)(2)], "$") as List;
    expect(type).toBeInstanceOf(List);
    expect(type.children[0]!.type).toBeInstanceOf(element);
    expect(type.children[0]!.nullable).toBe(true);
  });

  it("refuses two typed array kinds in one column, and bigints outside int64, at their path", () => {
    expect(() => inferType([Int8Array.of(1), Int16Array.of(1)], "$")).toThrow(expect.objectContaining({ name: "UnsupportedValueError", path: "$", message: "mixed values at $: Int8Array and Int16Array; give the column one type or pass an explicit type" }));
    expect(inferType([2n ** 63n - 1n, -(2n ** 63n)], "$")).toBeInstanceOf(Int64);
    expect(() => inferType([1n, 2n ** 63n], "$")).toThrow(expect.objectContaining({ path: "$", message: "bigint at $ is outside the int64 range" }));
    expect(() => inferType([-(2n ** 63n) - 1n], "$")).toThrow(expect.objectContaining({ message: "bigint at $ is outside the int64 range" }));
    expect(() => inferType([new DataView(new ArrayBuffer(1))], "$")).toThrow(expect.objectContaining({ message: expect.stringContaining("cannot send a DataView at $") }));
  });

  it("struct fields: one row keeps its keys in order; several rows take keys in first-seen order, skipping null rows", () => {
    const one = inferType([{ b: 1, a: "x" }], "$") as Struct;
    expect(one.children.map((f) => f.name)).toEqual(["b", "a"]);
    const many = inferType([{ b: 1 }, null, { a: "x", b: 2 }, undefined, { c: true }], "$") as Struct;
    expect(many.children.map((f) => f.name)).toEqual(["b", "a", "c"]);
  });

  it("describes values for error messages, and knows plain objects", () => {
    expect(describeValue(null)).toBe("null");
    expect(describeValue(3)).toBe("number");
    expect(describeValue(new Map())).toBe("Map");
    expect(describeValue(Object.create(null))).toBe("object");
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject(new Date())).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject("x")).toBe(false);
    expect(isPlainObject([])).toBe(false);
  });
});
