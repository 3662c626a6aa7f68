import { Binary, Bool, type DataType, DateDay, DateMillisecond, Decimal, Dictionary, Field, FixedSizeList, Float16, Float32, Float64, Int16, Int32, Int64, Int8, List, Null, Struct, TimeUnit, Timestamp, Uint16, Uint32, Uint64, Uint8, Utf8 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { MAX_TYPE_DEPTH } from "../src/constants.js";
import { describeType, parseTypeDescriptor, writeTypeDescriptor } from "../src/type-descriptor.js";

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
const field = (name: string, type: DataType, nullable = true) => new Field(name, type, nullable);

/** The grammar of docs/payload-format.md, byte for byte, for each kind of type. */
const GOLDEN: [string, DataType, number[]][] = [
  ["Null", new Null(), [0]],
  ["Float64", new Float64(), [1]],
  ["Float32", new Float32(), [2]],
  ["Float16", new Float16(), [14]],
  ["Int8", new Int8(), [3]],
  ["Int16", new Int16(), [4]],
  ["Int32", new Int32(), [5]],
  ["Int64", new Int64(), [6]],
  ["Uint8", new Uint8(), [7]],
  ["Uint16", new Uint16(), [8]],
  ["Uint32", new Uint32(), [9]],
  ["Uint64", new Uint64(), [10]],
  ["Bool", new Bool(), [11]],
  ["Utf8", new Utf8(), [12]],
  ["Binary", new Binary(), [13]],
  ["DateDay", new DateDay(), [16]],
  ["DateMillisecond", new DateMillisecond(), [17]],
  ["Timestamp(s) without zone", new Timestamp(TimeUnit.SECOND), [15, 0, 0]],
  ["Timestamp(ns, UTC)", new Timestamp(TimeUnit.NANOSECOND, "UTC"), [15, 3, 3, ...ascii("UTC")]],
  ["List", new List(field("item", new Int8())), [20, 4, 0, ...ascii("item"), 1, 3]],
  ["FixedSizeList of 0x01020304", new FixedSizeList(0x01020304, field("x", new Bool(), false)), [21, 4, 3, 2, 1, 1, 0, ...ascii("x"), 0, 11]],
  ["Struct, a UTF-8 name", new Struct([field("é", new Utf8()), field("n", new Float64(), false)]), [22, 2, 0, 2, 0, 0xc3, 0xa9, 1, 12, 1, 0, ...ascii("n"), 0, 1]],
  ["Dictionary, Int16 indices, ordered", new Dictionary(new Utf8(), new Int16(), null, true), [23, 4, 1, 12]],
  ["Dictionary, Uint32 indices", new Dictionary(new Utf8(), new Uint32()), [23, 9, 0, 12]],
];

describe("compact type descriptors", () => {
  it.each(GOLDEN)("%s: written byte for byte, and read back to the same type", (_, type, bytes) => {
    expect([...describeType(type)!]).toEqual(bytes);
    const out = [99, 98];
    expect(writeTypeDescriptor(type, out)).toBe(true);
    expect(out).toEqual(bytes);
    const parsed = parseTypeDescriptor(Uint8Array.from(bytes));
    expect(String(parsed)).toBe(String(type));
    expect(parsed.typeId).toBe(type.typeId);
  });

  it("reads back nullability, ordering, the zone and the index type, not only the type's name", () => {
    const struct = parseTypeDescriptor(Uint8Array.from(GOLDEN.find(([n]) => n.startsWith("Struct"))![2])) as Struct;
    expect(struct.children.map((f) => [f.name, f.nullable])).toEqual([["é", true], ["n", false]]);
    expect((parseTypeDescriptor(Uint8Array.of(20, 0, 0, 2, 1)) as List).children[0]!.nullable).toBe(true); // any non-zero byte is nullable
    const ordered = parseTypeDescriptor(Uint8Array.of(23, 4, 1, 12)) as Dictionary;
    expect([ordered.isOrdered, ordered.indices.bitWidth, ordered.indices.isSigned]).toEqual([true, 16, true]);
    const unordered = parseTypeDescriptor(Uint8Array.of(23, 10, 0, 12)) as Dictionary;
    expect([unordered.isOrdered, unordered.indices.bitWidth, unordered.indices.isSigned]).toEqual([false, 64, false]);
    expect((parseTypeDescriptor(Uint8Array.of(15, 1, 0)) as Timestamp).timezone).toBeNull();
    expect((parseTypeDescriptor(Uint8Array.of(15, 2, 3, ...ascii("UTC"))) as Timestamp).timezone).toBe("UTC");
    expect((parseTypeDescriptor(Uint8Array.of(15, 2, 0)) as Timestamp).unit).toBe(TimeUnit.MICROSECOND);
    expect(parseTypeDescriptor(Uint8Array.of(16))).toBeInstanceOf(DateDay);
    expect(parseTypeDescriptor(Uint8Array.of(17))).toBeInstanceOf(DateMillisecond);
  });

  it("writes names of 256 characters and more with a two-byte length, and refuses a zone of 256 bytes", () => {
    const long = "a".repeat(300);
    expect([...describeType(new List(field(long, new Bool())))!].slice(0, 3)).toEqual([20, 300 & 0xff, 300 >>> 8]);
    const longUnicode = "é".repeat(200); // 400 bytes
    expect([...describeType(new List(field(longUnicode, new Bool())))!].slice(0, 3)).toEqual([20, 400 & 0xff, 400 >>> 8]);
    expect(describeType(new Timestamp(TimeUnit.SECOND, "z".repeat(255)))).toHaveLength(3 + 255);
    expect(describeType(new Timestamp(TimeUnit.SECOND, "z".repeat(256)))).toBeUndefined();
    expect(describeType(new Timestamp(TimeUnit.SECOND, "é".repeat(128)))).toBeUndefined();
    expect(describeType(new Timestamp(TimeUnit.SECOND, "é".repeat(127)))).toHaveLength(3 + 254);
  });

  it("covers nesting up to MAX_TYPE_DEPTH, no deeper, and reads what it writes at the limit", () => {
    const nested = (depth: number): DataType => (depth === 0 ? new Int8() : new List(field("i", nested(depth - 1))));
    const atLimit = describeType(nested(MAX_TYPE_DEPTH))!;
    expect(atLimit).toBeDefined();
    expect(String(parseTypeDescriptor(atLimit))).toBe(String(nested(MAX_TYPE_DEPTH)));
    expect(describeType(nested(MAX_TYPE_DEPTH + 1))).toBeUndefined();
    const tooDeep = Uint8Array.from([...Array.from({ length: MAX_TYPE_DEPTH + 1 }, () => [20, 1, 0, 105, 1]).flat(), 3]);
    expect(() => parseTypeDescriptor(tooDeep)).toThrow(expect.objectContaining({ name: "FrameDecodeError", message: `compact type descriptor nests deeper than ${MAX_TYPE_DEPTH}` }));
    // A dictionary counts one level for its value type.
    const dictionaries = (depth: number): DataType => (depth === 0 ? new Utf8() : new Dictionary(dictionaries(depth - 1), new Int32()));
    expect(describeType(dictionaries(MAX_TYPE_DEPTH))).toBeDefined();
    expect(describeType(dictionaries(MAX_TYPE_DEPTH + 1))).toBeUndefined();
  });

  it("leaves types it does not cover to Arrow IPC (undefined), remembered per type object", () => {
    const decimal = new Decimal(2, 10, 128);
    expect(describeType(decimal)).toBeUndefined();
    expect(describeType(decimal)).toBeUndefined();
    expect(describeType(new Struct([field("d", decimal)]))).toBeUndefined();
    expect(describeType(new Dictionary(new Utf8(), new Float64() as never))).toBeUndefined();
    expect(writeTypeDescriptor(decimal, [])).toBe(false);
    const type = new Struct([field("a", new Int8())]);
    expect(describeType(type)).toBe(describeType(type));
  });

  it.each([
    ["nothing", [], "compact type descriptor ends early", 0],
    ["trailing bytes", [12, 0], "compact type descriptor has trailing bytes", 1],
    ["a timestamp unit beyond ns", [15, 4, 0], "unknown timestamp unit 4", 1],
    ["a name cut short", [15, 1, 5, 97], "compact type descriptor ends inside a name", 3],
    ["a name that is not UTF-8", [20, 1, 0, 0xff, 1, 12], "compact type descriptor has a name that is not UTF-8", 3],
    ["a dictionary index code below Int8", [23, 2, 0, 12], "bad dictionary index code 2", 1],
    ["a dictionary index code above Uint64", [23, 11, 0, 12], "bad dictionary index code 11", 1],
    ["an unknown code", [99], "unknown compact type code 99", 0],
    ["a code between the fixed ones", [18], "unknown compact type code 18", 0],
  ])("refuses %s as a FrameDecodeError at its offset", (_, bytes, message, offset) => {
    expect(() => parseTypeDescriptor(Uint8Array.from(bytes as number[]))).toThrow(expect.objectContaining({ name: "FrameDecodeError", message, offset }));
  });

  it("names the UTF-8 decoding error as the cause of a bad name", () => {
    try {
      parseTypeDescriptor(Uint8Array.of(20, 1, 0, 0xff, 1, 12));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(TypeError);
    }
  });
});
