import { type DataType, DateDay, DateMillisecond, Dictionary, Field, FixedSizeList, Float64, Int32, Int64, Int8, TimeUnit, Timestamp, Uint64, Uint8, Utf8 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { concat } from "./arrow-bytes.js";
import { decodeValue, encodeValue } from "../src/arrow-codec.js";
import { PayloadEncoding } from "../src/frame-codec.js";

/** Encodes `value` with an explicit type and decodes it again: the values, and how it travelled. */
function roundTrip(value: unknown, type: DataType): { values: unknown[]; encoding: number } {
  const encoded = encodeValue(value as never, { type });
  const vector = decodeValue(encoded.encoding, concat(encoded.chunks));
  return { values: vector.toArray() instanceof Array ? (vector.toArray() as unknown[]) : [...(vector.toArray() as ArrayLike<unknown>)], encoding: encoded.encoding };
}

const refused = (what: string, path: string) => expect.objectContaining({ name: "UnsupportedValueError", path, message: expect.stringContaining(what) });

describe("building Arrow data directly from plain values (explicit types)", () => {
  it("sizes UTF-8 as the encoder writes it: pairs, lone surrogates anywhere, 2- and 3-byte characters", () => {
    const strings = ["a😀b", "\ud800", "\ud800x", "x\udc00", "é€", "😀\ud800", "\ud83d\ude00\ud83d", "\udbff\udfff", "\ud7ff\ue000"];
    const expected = strings.map((s) => new TextDecoder().decode(new TextEncoder().encode(s)));
    const { values, encoding } = roundTrip(strings, new Utf8());
    expect(encoding).toBe(PayloadEncoding.ARROW_COMPACT);
    expect(values).toEqual(expected);
  });

  it("integers: each width's range is exact, bigints are accepted where they fit, others refused at their path", () => {
    expect(roundTrip([-128, 127, 5n], new Int8()).values).toEqual([-128, 127, 5]);
    expect(() => encodeValue([0, -129], { type: new Int8() })).toThrow(refused("an integer in the Int8 range", "$[]"));
    expect(() => encodeValue([128], { type: new Int8() })).toThrow(refused("an integer in the Int8 range", "$[]"));
    expect(() => encodeValue([1.5], { type: new Int32() })).toThrow(refused("an integer in the Int32 range", "$[]"));
    expect(() => encodeValue([-1], { type: new Uint8() })).toThrow(refused("range", "$[]"));
    expect(roundTrip([0, 255], new Uint8()).values).toEqual([0, 255]);
    expect(roundTrip([-(2n ** 63n), 2n ** 63n - 1n, 7], new Int64()).values).toEqual([-(2n ** 63n), 2n ** 63n - 1n, 7n]);
    expect(() => encodeValue([2n ** 63n], { type: new Int64() })).toThrow(refused("an integer in the Int64 range", "$[]"));
    expect(() => encodeValue([-(2n ** 63n) - 1n], { type: new Int64() })).toThrow(refused("range", "$[]"));
    expect(roundTrip([0n, 2n ** 64n - 1n], new Uint64()).values).toEqual([0n, 2n ** 64n - 1n]);
    expect(() => encodeValue([-1n], { type: new Uint64() })).toThrow(refused("range", "$[]"));
    expect(() => encodeValue([2 ** 60], { type: new Int64() })).toThrow(refused("a bigint or safe integer", "$[]"));
    expect(() => encodeValue(["1"], { type: new Float64() })).toThrow(refused("a number", "$[]"));
  });

  it("dates and timestamps from Dates, integers and bigints, in every unit; invalid ones refused", () => {
    const at = new Date(Date.UTC(2026, 10, 23, 10, 0, 0, 123));
    const ms = at.getTime();
    expect(roundTrip([at, 3], new DateDay()).values).toEqual([Math.floor(ms / 86_400_000) * 86_400_000, 3 * 86_400_000]);
    expect(roundTrip([at, 42], new DateMillisecond()).values).toEqual([ms, 42]);
    expect(() => encodeValue([new Date(NaN)], { type: new DateDay() })).toThrow(refused("a valid Date or an integer", "$[]"));
    expect(() => encodeValue(["2026"], { type: new DateMillisecond() })).toThrow(refused("a valid Date or an integer", "$[]"));
    const stamps = (unit: TimeUnit) => encodeValue([at, 5, 6n], { type: new Timestamp(unit) });
    const ticks = (unit: TimeUnit) => {
      const encoded = stamps(unit);
      const data = decodeValue(encoded.encoding, concat(encoded.chunks)).data[0]!;
      return [...(data.values as BigInt64Array)];
    };
    expect(ticks(TimeUnit.SECOND)).toEqual([BigInt(Math.floor(ms / 1000)), 5n, 6n]);
    expect(ticks(TimeUnit.MILLISECOND)).toEqual([BigInt(ms), 5n, 6n]);
    expect(ticks(TimeUnit.MICROSECOND)).toEqual([BigInt(ms) * 1000n, 5n, 6n]);
    expect(ticks(TimeUnit.NANOSECOND)).toEqual([BigInt(ms) * 1_000_000n, 5n, 6n]);
    expect(() => encodeValue([1.5], { type: new Timestamp(TimeUnit.SECOND) })).toThrow(refused("a valid Date, a bigint or an integer", "$[]"));
    expect(() => encodeValue([new Date(NaN)], { type: new Timestamp(TimeUnit.SECOND) })).toThrow(refused("a valid Date, a bigint or an integer", "$[]"));
  });

  it("fixed-size lists: null rows keep their slots, a row of another length is refused", () => {
    const type = new FixedSizeList(2, new Field("item", new Int32(), true));
    const encoded = encodeValue([[1, 2], null, Int32Array.of(5, 6)], { type });
    const vector = decodeValue(encoded.encoding, concat(encoded.chunks));
    expect(encoded.encoding).toBe(PayloadEncoding.ARROW_COMPACT);
    expect([...vector].map((row) => (row === null ? null : [...(row as Iterable<number>)]))).toEqual([[1, 2], null, [5, 6]]);
    expect(() => encodeValue([[1, 2], [3]], { type })).toThrow(refused("an array of 2 elements", "$[]"));
    expect(() => encodeValue([[1, 2], 3], { type })).toThrow(refused("an array", "$[]"));
  });

  it("dictionaries with indices narrower than 64 bits are built directly; Int64 indices are left to Arrow, which refuses them by name", () => {
    const narrow = encodeValue(["a", "b", "a"], { type: new Dictionary(new Utf8(), new Int32()) });
    expect(narrow.encoding).toBe(PayloadEncoding.ARROW_COMPACT);
    expect([...decodeValue(narrow.encoding, concat(narrow.chunks))]).toEqual(["a", "b", "a"]);
    expect(() => encodeValue(["a", "b", "a"], { type: new Dictionary(new Utf8(), new Int64() as never) })).toThrow(expect.objectContaining({ name: "UnsupportedValueError", message: "cannot build Dictionary<Int64, Utf8> from this value" }));
  });
});
