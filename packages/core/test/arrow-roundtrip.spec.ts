import fc from "fast-check";
import { type DataType, Dictionary, Field, Float32, Int16, Int32, Int64, Int8, List, Struct, Uint16, Uint32, Uint64, Uint8, Utf8, type Vector } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { concat } from "./arrow-bytes.js";
import { type SendableValue, decodeValue, encodeValue } from "../src/arrow-codec.js";
import { PayloadEncoding } from "../src/frame-codec.js";
import { INT64_MAX, INT64_MIN, type Shape, shapeArb, valueOf } from "./arrow-shapes.js";

/** A value as plain, comparable JSON-like data: Dates as epoch ms, bytes as arrays, -0 and NaN tagged. */
function expected(value: unknown, shape: Shape): unknown {
  if (value === null || value === undefined) return null;
  switch (shape.kind) {
    case "number":
      return tagNumber(value as number);
    case "date":
      return (value as Date).getTime();
    case "binary":
      return Array.from(value as Uint8Array);
    case "list":
      return (value as unknown[]).map((item) => expected(item, shape.item));
    case "struct":
      return Object.fromEntries(shape.fields.map(([name, field]) => [name, expected((value as Record<string, unknown>)[name], field)]));
    default:
      return value;
  }
}

/** What decoding gave, in the same plain form (read through Arrow's own accessors). */
function actual(value: unknown, shape: Shape): unknown {
  if (value === null || value === undefined) return null;
  switch (shape.kind) {
    case "number":
      return tagNumber(value as number);
    case "binary":
      return Array.from(value as Uint8Array);
    case "list": {
      const vector = value as Vector;
      return Array.from({ length: vector.length }, (_, i) => actual(vector.get(i), shape.item));
    }
    case "struct":
      return Object.fromEntries(shape.fields.map(([name, field]) => [name, actual((value as Record<string, unknown>)[name], field)]));
    default:
      return value;
  }
}

function tagNumber(n: number): unknown {
  return Object.is(n, -0) ? "-0" : Number.isNaN(n) ? "NaN" : n;
}

const rowsArb = shapeArb.chain((shape) => fc.tuple(fc.constant(shape), fc.array(valueOf(shape), { maxLength: 6 }), fc.constantFrom(0, 4)));

describe("round trip of random values (fast-check)", () => {
  it("gives back every row of every supported type exactly, aligned or not", () => {
    fc.assert(
      fc.property(rowsArb, ([shape, rows, offset]) => {
        const encoded = encodeValue(rows as SendableValue);
        expect(encoded.encoding).toBe(PayloadEncoding.ARROW_COMPACT);
        const vector = decodeValue(encoded.encoding, concat(encoded.chunks, offset));
        expect(vector.length).toBe(rows.length);
        const back = Array.from({ length: vector.length }, (_, i) => actual(vector.get(i), shape));
        expect(back).toEqual(rows.map((row) => expected(row, shape)));
      }),
      { numRuns: 300 },
    );
  });

  it("gives back a single object, string, Date or bigint as one row", () => {
    const single = shapeArb.filter((shape) => shape.kind !== "list" && shape.kind !== "binary").chain((shape) => fc.tuple(fc.constant(shape), valueOf(shape)));
    fc.assert(
      fc.property(single, ([shape, value]) => {
        fc.pre(value !== null && value !== undefined);
        const encoded = encodeValue(value as SendableValue);
        const vector = decodeValue(encoded.encoding, concat(encoded.chunks));
        expect(vector.length).toBe(1);
        expect(actual(vector.get(0), shape)).toEqual(expected(value, shape));
      }),
      { numRuns: 200 },
    );
  });

  it("gives back integers of every width, Float32 and dictionaries under an explicit type", () => {
    const widths: [DataType, fc.Arbitrary<number | bigint>][] = [
      [new Int8(), fc.integer({ min: -128, max: 127 })],
      [new Int16(), fc.integer({ min: -32768, max: 32767 })],
      [new Int32(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })],
      [new Int64(), fc.bigInt({ min: INT64_MIN, max: INT64_MAX })],
      [new Uint8(), fc.integer({ min: 0, max: 255 })],
      [new Uint16(), fc.integer({ min: 0, max: 65535 })],
      [new Uint32(), fc.integer({ min: 0, max: 2 ** 32 - 1 })],
      [new Uint64(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })],
      [new Float32(), fc.float()],
    ];
    for (const [type, values] of widths) {
      fc.assert(
        fc.property(fc.array(fc.option(values, { nil: null }), { maxLength: 20 }), (rows) => {
          const encoded = encodeValue(rows, { type });
          const vector = decodeValue(encoded.encoding, concat(encoded.chunks));
          expect(vector.type.toString()).toBe(type.toString());
          expect(Array.from({ length: vector.length }, (_, i) => tag(vector.get(i)))).toEqual(rows.map(tag));
        }),
        { numRuns: 50 },
      );
    }
    const dictionary = new Struct([new Field("tags", new List(new Field("item", new Dictionary(new Utf8(), new Int16()), true)), true)]);
    fc.assert(
      fc.property(fc.array(fc.record({ tags: fc.array(fc.option(fc.constantFrom("a", "b", "ü", ""), { nil: null }), { maxLength: 4 }) }), { maxLength: 6 }), (rows) => {
        const encoded = encodeValue(rows, { type: dictionary });
        expect(encoded.encoding).toBe(PayloadEncoding.ARROW_COMPACT);
        const vector = decodeValue(encoded.encoding, concat(encoded.chunks));
        expect(vector.toArray().map((row: { tags: Vector }) => [...row.tags])).toEqual(rows.map((row) => row.tags));
      }),
      { numRuns: 100 },
    );
  });

  it("turns truncated and corrupted compact payloads into FrameDecodeError, never another error", () => {
    const damaged = rowsArb.chain(([, rows]) => {
      const bytes = concat(encodeValue(rows as SendableValue).chunks);
      return fc.tuple(
        fc.constant(bytes),
        fc.integer({ min: 0, max: bytes.byteLength - 1 }),
        fc.oneof(fc.constant("truncate" as const), fc.integer({ min: 0, max: 255 })),
      );
    });
    fc.assert(
      fc.property(damaged, ([bytes, at, damage]) => {
        const copy = damage === "truncate" ? bytes.slice(0, at) : bytes.slice();
        if (damage !== "truncate") copy[at] = damage;
        try {
          // A change no check can see (a value byte) decodes to other values: that is fine.
          decodeValue(PayloadEncoding.ARROW_COMPACT, copy);
        } catch (error) {
          expect(error).toMatchObject({ name: "FrameDecodeError" });
        }
      }),
      { numRuns: 1000 },
    );
  });
});

function tag(value: unknown): unknown {
  return typeof value === "number" ? tagNumber(value) : value;
}
