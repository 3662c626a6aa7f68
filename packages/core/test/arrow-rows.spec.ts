import fc from "fast-check";
import { Dictionary, Field, FixedSizeList, Float16, Float32, Int16, Int32, Int8, List, Struct, Uint64, Utf8, Vector, makeVector, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { type SendableValue, decodeValue, encodeValue } from "../src/arrow-codec.js";
import { toRows } from "../src/arrow-rows.js";
import { concat } from "./arrow-bytes.js";
import { shapeArb, valueOf } from "./arrow-shapes.js";

/** What Arrow's own accessors give, as plain data: struct rows as objects, list vectors as arrays. */
function viaArrow(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Vector) return Array.from({ length: value.length }, (_, i) => viaArrow(value.get(i)));
  if (typeof value === "object" && !ArrayBuffer.isView(value) && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return Object.fromEntries(Object.entries((value as { toJSON(): object }).toJSON()).map(([k, v]) => [k, viaArrow(v)]));
  }
  return value;
}

const arrowRows = (vector: Vector): unknown[] => Array.from({ length: vector.length }, (_, i) => viaArrow(vector.get(i)));

describe("toRows (event.rows())", () => {
  it("gives what Arrow's accessors give, for random values of every inferred type, aligned or not", () => {
    const rows = shapeArb.chain((shape) => fc.tuple(fc.array(valueOf(shape), { maxLength: 6 }), fc.constantFrom(0, 4)));
    fc.assert(
      fc.property(rows, ([values, offset]) => {
        const encoded = encodeValue(values as SendableValue);
        const vector = decodeValue(encoded.encoding, concat(encoded.chunks, offset));
        expect(toRows(vector)).toEqual(arrowRows(vector));
      }),
      { numRuns: 300 },
    );
  });

  it("reads sliced and chunked vectors as Arrow does (offsets in bitmaps, values, children)", () => {
    const values = fc.array(fc.option(fc.record({ a: fc.option(fc.double(), { nil: null }), s: fc.string(), b: fc.boolean(), l: fc.array(fc.option(fc.integer(), { nil: null }), { maxLength: 3 }) }), { nil: null }), { minLength: 2, maxLength: 20 });
    fc.assert(
      fc.property(values, fc.nat(), fc.nat(), (rows, a, b) => {
        const vector = decodeValue(encodeValue(rows).encoding, concat(encodeValue(rows).chunks));
        const start = a % rows.length;
        const end = start + (b % (rows.length - start + 1));
        const sliced = vector.slice(start, end);
        expect(toRows(sliced)).toEqual(arrowRows(sliced));
        const chunked = sliced.concat(vector);
        expect(toRows(chunked)).toEqual(arrowRows(chunked));
      }),
      { numRuns: 200 },
    );
  });

  it("covers integer widths, Uint64, Float32, Float16, fixed-size lists and dictionaries", () => {
    const cases: Vector[] = [
      vectorFromArray([1, null, -3], new Int8()),
      vectorFromArray([1, 2, null], new Int16()),
      vectorFromArray([2 ** 31 - 1, null], new Int32()),
      vectorFromArray([0n, 2n ** 64n - 1n, null], new Uint64()),
      vectorFromArray([1.5, null, -0], new Float32()),
      vectorFromArray([1.5, null, 65504], new Float16()),
      vectorFromArray([[1, 2], null, [3, 4]], new FixedSizeList(2, new Field("item", new Int32(), true))),
      vectorFromArray(["a", "b", null, "a"], new Dictionary(new Utf8(), new Int16())),
      vectorFromArray([{ x: [1, 2] }, null], new Struct([new Field("x", new List(new Field("item", new Int32(), true)), true)])),
    ];
    for (const vector of cases) {
      expect(toRows(vector)).toEqual(arrowRows(vector));
      expect(toRows(vector.slice(1))).toEqual(arrowRows(vector.slice(1)));
    }
    expect(toRows(vectorFromArray([0n, 2n ** 64n - 1n], new Uint64()))).toEqual([0n, 2n ** 64n - 1n]);
    expect(toRows(makeVector(new Uint8Array([7, 8])))).toEqual([7, 8]);
  });

  it("gives a record back as a plain object, with bigints, nulls and bytes as they were sent", () => {
    const record = { id: "dev-1", t: 21.5, ok: true, n: 3, big: -(2n ** 63n), none: null, bytes: new Uint8Array([1, 2]), when: new Date(5) };
    const encoded = encodeValue(record);
    const [row] = toRows(decodeValue(encoded.encoding, concat(encoded.chunks)));
    expect(row).toEqual({ ...record, when: 5 });
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });
});
