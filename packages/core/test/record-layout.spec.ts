import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concat } from "./arrow-bytes.js";
import { type SendableValue, ValueEncoder, decodeValue, encodeValue, encodeVector, readRecord, toVector } from "../src/arrow-codec.js";
import { toRows } from "../src/arrow-rows.js";
import { COMPACT_INLINE_BYTES } from "../src/constants.js";
import { PayloadEncoding } from "../src/frame-codec.js";
import { RecordLayouts } from "../src/record-layout.js";
import { TypeIdRegistry } from "../src/type-ids.js";
import { TypeTable } from "../src/type-table.js";
import { INT64_MAX, INT64_MIN, shapeArb, valueOf } from "./arrow-shapes.js";
const scalar = fc.oneof(
  fc.double(),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.boolean(),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, "", "ünï©ødé 🦀"),
);
const flatRecord = fc.dictionary(fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), fc.constantFrom("ünï", "a b", "$x", "")), scalar, { minKeys: 1, maxKeys: 12 });

/** The bytes of the general path: infer, build Arrow data, lay out. */
const generalBytes = (value: Record<string, unknown>): Uint8Array => concat(encodeVector(toVector(value)).chunks);

describe("the flat-record fast path (record-layout.ts)", () => {
  it("writes exactly the bytes of the general path, for any flat record of numbers, strings, booleans and bigints", () => {
    fc.assert(
      fc.property(flatRecord, (record) => {
        const fast = new RecordLayouts().encode(record);
        expect(fast).toBeDefined();
        expect(concat(fast!.chunks)).toEqual(generalBytes(record));
        expect(fast!.byteLength).toBe(fast!.chunks.reduce((n, c) => n + c.byteLength, 0));
      }),
      { numRuns: 300 },
    );
  });

  it("stays exact when one encoder sees records of changing shapes in turn", () => {
    fc.assert(
      fc.property(fc.array(flatRecord, { minLength: 2, maxLength: 8 }), (records) => {
        const layouts = new RecordLayouts();
        for (const record of [...records, ...records]) expect(concat(layouts.encode(record)!.chunks)).toEqual(generalBytes(record));
      }),
      { numRuns: 100 },
    );
  });

  it("declines what the general path must handle: null fields, nested values, long strings, huge bigints, no fields", () => {
    const layouts = new RecordLayouts();
    expect(layouts.encode({ a: 1, b: null })).toBeUndefined();
    expect(layouts.encode({ a: 1, b: undefined })).toBeUndefined();
    expect(layouts.encode({ a: 1, b: { c: 2 } })).toBeUndefined();
    expect(layouts.encode({ a: [1] })).toBeUndefined();
    expect(layouts.encode({ d: new Date(0) })).toBeUndefined();
    expect(layouts.encode({})).toBeUndefined();
    expect(layouts.encode({ s: "x".repeat(COMPACT_INLINE_BYTES) })).toBeDefined();
    expect(layouts.encode({ s: "x".repeat(COMPACT_INLINE_BYTES + 1) })).toBeUndefined();
    expect(layouts.encode({ s: "é".repeat(COMPACT_INLINE_BYTES / 2 + 1) })).toBeUndefined();
    expect(layouts.encode({ b: INT64_MAX })).toBeDefined();
    expect(layouts.encode({ b: INT64_MAX + 1n })).toBeUndefined();
    expect(layouts.encode({ b: INT64_MIN - 1n })).toBeUndefined();
  });

  it("does not mistake a record with the cached keys in another order, or more keys, for the cached shape", () => {
    const layouts = new RecordLayouts();
    layouts.encode({ a: 1, b: "x" });
    for (const record of [{ b: "x", a: 1 }, { a: 1, b: "x", c: true }, { a: 1 }, { a: "1", b: "x" }]) {
      expect(concat(layouts.encode(record)!.chunks)).toEqual(generalBytes(record));
    }
  });

  it("is what ValueEncoder uses for a plain object, and what it sends decodes to the same record", () => {
    const record = { id: "dev-1", t: 21.5, ok: true, n: 3, tag: "a", big: 2n ** 40n };
    const payload = new ValueEncoder().encode(record);
    expect(payload.encoding).toBe(PayloadEncoding.ARROW_COMPACT);
    expect(payload.chunks).toHaveLength(1);
    expect(decodeValue(payload.encoding, concat(payload.chunks)).get(0)!.toJSON()).toEqual(record);
    // A class instance is not a record: the general path refuses it with its usual error.
    class Reading {
      t = 1;
    }
    expect(() => new ValueEncoder().encode(new Reading() as never)).toThrow(/cannot send a Reading/);
  });

  it("reads a flat record back straight from the bytes, as the general reader would, at any alignment", () => {
    fc.assert(
      fc.property(flatRecord, fc.constantFrom(0, 1, 4), (record, offset) => {
        const bytes = concat(encodeValue(record).chunks, offset);
        const fast = readRecord(bytes);
        expect(fast).toEqual(toRows(decodeValue(PayloadEncoding.ARROW_COMPACT, bytes))[0]);
        expect(fast).toEqual(record);
      }),
      { numRuns: 300 },
    );
  });

  it("reads nothing but flat records: any other value is left to the general reader", () => {
    const values = shapeArb.chain((shape) => fc.oneof(valueOf(shape), fc.array(valueOf(shape), { maxLength: 3 })));
    fc.assert(
      fc.property(values, (value) => {
        const encoded = encodeValue(value as SendableValue);
        if (encoded.encoding !== PayloadEncoding.ARROW_COMPACT) return;
        const bytes = concat(encoded.chunks);
        const fast = readRecord(bytes);
        if (fast === undefined) return;
        const rows = toRows(decodeValue(encoded.encoding, bytes));
        expect(rows).toEqual([fast]);
      }),
      { numRuns: 300 },
    );
    expect(readRecord(concat(encodeValue([{ a: 1 }, { a: 2 }]).chunks))).toBeUndefined();
    expect(readRecord(concat(encodeValue({ a: 1, b: null }).chunks))).toBeUndefined();
    expect(readRecord(concat(encodeValue({ a: [1] }).chunks))).toBeUndefined();
  });

  it("never reads a damaged payload differently from the general reader: it declines, or agrees", () => {
    const damaged = flatRecord.chain((record) => {
      const bytes = concat(encodeValue(record).chunks);
      return fc.tuple(fc.constant(bytes), fc.integer({ min: 0, max: bytes.byteLength - 1 }), fc.oneof(fc.constant("truncate" as const), fc.integer({ min: 0, max: 255 })));
    });
    fc.assert(
      fc.property(damaged, ([bytes, at, damage]) => {
        const copy = damage === "truncate" ? bytes.slice(0, at) : bytes.slice();
        if (damage !== "truncate") copy[at] = damage;
        const fast = readRecord(copy);
        if (fast === undefined) return;
        expect(toRows(decodeValue(PayloadEncoding.ARROW_COMPACT, copy))).toEqual([fast]);
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves a record with a field named __proto__ to the general reader, which keeps it as a field", () => {
    const record = JSON.parse('{"__proto__": 1, "a": "x"}') as Record<string, unknown>;
    const bytes = concat(encodeValue(record).chunks);
    expect(readRecord(bytes)).toBeUndefined();
    const [row] = toRows(decodeValue(PayloadEncoding.ARROW_COMPACT, bytes)) as Record<string, unknown>[];
    expect(Object.keys(row!)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it("by type id: writes exactly the general path's bytes, with the same definitions, and reads them back through the input's table", () => {
    fc.assert(
      fc.property(fc.array(flatRecord, { minLength: 1, maxLength: 6 }), (records) => {
        const fast = new ValueEncoder({ typeIds: true });
        const general = new TypeIdRegistry();
        const table = new TypeTable();
        for (const record of records) {
          const payload = fast.encode(record);
          const expected = encodeVector(toVector(record), general);
          expect(concat(payload.chunks)).toEqual(concat(expected.chunks));
          expect(payload.typeDefinition?.id).toBe(expected.typeDefinition?.id);
          expect(payload.typeDefinition?.definition).toEqual(expected.typeDefinition?.definition);
          table.define(payload.typeDefinition!.definition);
          const bytes = concat(payload.chunks);
          const byId = (id: number) => table.typeOf(id);
          expect(readRecord(bytes, { byId })).toEqual(record);
          expect(readRecord(bytes, { byId })).toEqual(toRows(decodeValue(payload.encoding, bytes, { byId }))[0]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("by type id: without the input's table, or with an id it does not know, leaves the payload to the general reader", () => {
    const payload = new ValueEncoder({ typeIds: true }).encode({ a: 1, s: "x" });
    const bytes = concat(payload.chunks);
    expect(readRecord(bytes)).toBeUndefined();
    expect(
      readRecord(bytes, {
        byId: () => {
          throw new Error("unknown");
        },
      }),
    ).toBeUndefined();
    // Another input's table may give the same id another type: the head is compared against that one.
    const other = new TypeTable();
    other.define(new ValueEncoder({ typeIds: true }).encode({ a: "not a number", s: "x" }).typeDefinition!.definition);
    expect(readRecord(bytes, { byId: (id) => other.typeOf(id) })).toBeUndefined();
  });
});
