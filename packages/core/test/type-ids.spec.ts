import { Field, Float64, Struct, Utf8 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { concat } from "./arrow-bytes.js";
import { decodeValue, ValueEncoder } from "../src/arrow-codec.js";
import { COMPACT_BY_ID } from "../src/compact-layout.js";
import { compactTypeId } from "../src/compact-reader.js";
import { MAX_TYPE_IDS_PER_OUTPUT } from "../src/constants.js";
import { FrameDecodeError, UnknownTypeIdError } from "../src/errors.js";
import { PayloadEncoding } from "../src/frame-codec.js";
import { describeType } from "../src/type-descriptor.js";
import { decodeTypeDefinition, encodeTypeDefinition } from "../src/type-definition.js";
import { TypeIdRegistry } from "../src/type-ids.js";
import { TypeTable } from "../src/type-table.js";

const reading = { id: "dev-1", t: 21.5, ok: true, n: 3, tag: "a" };

function receive(table: TypeTable, encoder: ValueEncoder, value: Parameters<ValueEncoder["encode"]>[0]) {
  const payload = encoder.encode(value);
  if (payload.typeDefinition) table.define(payload.typeDefinition.definition);
  return decodeValue(payload.encoding, concat(payload.chunks), { byId: (id) => table.typeOf(id) });
}

describe("type ids", () => {
  it("gives each distinct shape one id and sends payloads by id", () => {
    const encoder = new ValueEncoder({ typeIds: true });
    const first = encoder.encode(reading);
    const second = encoder.encode({ ...reading, t: 22 });
    const other = encoder.encode({ x: 1 });
    expect(first.encoding).toBe(PayloadEncoding.ARROW_COMPACT);
    expect(first.typeDefinition?.id).toBe(0);
    expect(second.typeDefinition).toBe(first.typeDefinition);
    expect(other.typeDefinition?.id).toBe(1);
    const bytes = concat(first.chunks);
    expect(bytes[1]).toBe(COMPACT_BY_ID);
    expect(compactTypeId(bytes)).toBe(0);
    // The id replaces a descriptor of 5 named fields: the payload shrinks.
    expect(bytes.byteLength).toBeLessThan(concat(new ValueEncoder().encode(reading).chunks).byteLength);
  });

  it("round-trips values through a TypeTable fed by the definitions", () => {
    const encoder = new ValueEncoder({ typeIds: true });
    const table = new TypeTable();
    expect(receive(table, encoder, reading).get(0)?.toJSON()).toEqual(reading);
    expect(receive(table, encoder, [1.5, 2]).toArray()).toEqual(new Float64Array([1.5, 2]));
    expect(receive(table, encoder, { ...reading, tag: "b" }).get(0)?.toJSON()).toEqual({ ...reading, tag: "b" });
    expect(table.size).toBe(2);
  });

  it("finds the id of an equal descriptor held in another object", () => {
    const registry = new TypeIdRegistry();
    const a = describeType(new Struct([new Field("v", new Utf8(), true)]))!;
    const b = describeType(new Struct([new Field("v", new Utf8(), true)]))!;
    expect(a).not.toBe(b);
    expect(registry.idOf(b)).toBe(registry.idOf(a));
    expect(registry.size).toBe(1);
  });

  it("falls back to inline descriptors after the limit", () => {
    expect(MAX_TYPE_IDS_PER_OUTPUT).toBeGreaterThan(0);
    const encoder = new ValueEncoder({ typeIds: new TypeIdRegistry(2) });
    expect(encoder.encode({ a: 1 }).typeDefinition?.id).toBe(0);
    expect(encoder.encode({ b: 1 }).typeDefinition?.id).toBe(1);
    const third = encoder.encode({ c: 1 });
    expect(third.typeDefinition).toBeUndefined();
    expect(concat(third.chunks)[1]).toBe(0);
    expect(decodeValue(third.encoding, concat(third.chunks)).get(0)?.toJSON()).toEqual({ c: 1 });
    // Known shapes keep their ids.
    expect(encoder.encode({ a: 2 }).typeDefinition?.id).toBe(0);
  });

  it("replaces a type when an id is defined again", () => {
    const table = new TypeTable();
    table.define(encodeTypeDefinition({ id: 7, descriptor: describeType(new Float64())! }));
    table.define(encodeTypeDefinition({ id: 7, descriptor: describeType(new Utf8())! }));
    expect(String(table.typeOf(7))).toBe("Utf8");
  });

  it("refuses more distinct ids than a producer may define, but lets known ones be redefined", () => {
    const table = new TypeTable(undefined, "in", "sink", 2);
    const define = (id: number) => table.define(encodeTypeDefinition({ id, descriptor: describeType(new Float64())! }));
    define(0);
    define(1);
    expect(() => define(2)).toThrow(/type id 2 is one more than the 2 ids a producer may define \(input 'in' of node 'sink'\)/);
    expect(define(1)).toBe(1);
    expect(table.size).toBe(2);
  });

  it("names the input and node of an unknown id", () => {
    const payload = new ValueEncoder({ typeIds: true }).encode(reading);
    const table = new TypeTable(undefined, "readings", "sink");
    const decode = () => decodeValue(payload.encoding, concat(payload.chunks), { byId: (id) => table.typeOf(id) });
    expect(decode).toThrow(UnknownTypeIdError);
    expect(decode).toThrow(/type id 0.*input 'readings' of node 'sink'/);
    // Without a table at all it is the same error, a FrameDecodeError.
    expect(() => decodeValue(payload.encoding, concat(payload.chunks))).toThrow(FrameDecodeError);
    expect(() => decodeValue(payload.encoding, concat(payload.chunks))).toThrow(UnknownTypeIdError);
  });

  it("rejects malformed definitions and by-id payloads", () => {
    expect(() => decodeTypeDefinition(new Uint8Array(4))).toThrow(FrameDecodeError);
    const long = encodeTypeDefinition({ id: 1, descriptor: new Uint8Array([1]) });
    long[4] = 200;
    expect(() => decodeTypeDefinition(long)).toThrow(/runs past the end/);
    expect(() => new TypeTable().define(encodeTypeDefinition({ id: 1, descriptor: new Uint8Array([99]) }))).toThrow(FrameDecodeError);
    const bytes = concat(new ValueEncoder({ typeIds: true }).encode(reading).chunks);
    bytes[2] = 8;
    expect(compactTypeId(bytes)).toBeUndefined();
    expect(() => decodeValue(PayloadEncoding.ARROW_COMPACT, bytes, { byId: () => new Float64() })).toThrow(/8-byte id field/);
    bytes[2] = 4;
    bytes[1] = 0x03;
    expect(() => decodeValue(PayloadEncoding.ARROW_COMPACT, bytes)).toThrow(/unknown flags 3/);
    expect(() => decodeValue(PayloadEncoding.TYPE_DEFINITION, long)).toThrow(FrameDecodeError);
  });
});
