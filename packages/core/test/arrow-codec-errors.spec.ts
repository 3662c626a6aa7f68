import { Decimal } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { decodeValue, encodeValue } from "../src/arrow-codec.js";
import { PayloadEncoding } from "../src/frame-codec.js";

describe("payload codec refusals", () => {
  it("names a payload that is not Arrow IPC, a TYPE_DEFINITION read as a value, an unknown encoding", () => {
    expect(() => decodeValue(PayloadEncoding.ARROW_IPC, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))).toThrow(expect.objectContaining({ name: "FrameDecodeError", message: "payload is not a valid Arrow IPC stream", cause: expect.any(Error) }));
    expect(() => decodeValue(PayloadEncoding.TYPE_DEFINITION, Uint8Array.of(0))).toThrow(expect.objectContaining({ name: "FrameDecodeError", message: "a TYPE_DEFINITION frame defines a type id and carries no value" }));
    expect(() => decodeValue(99 as never, Uint8Array.of(0))).toThrow(expect.objectContaining({ name: "FrameDecodeError", message: "unknown payload encoding 99" }));
  });

  it("sends null and undefined as an EMPTY payload, and refuses a DataView by name", () => {
    for (const value of [null, undefined]) {
      const encoded = encodeValue(value);
      expect(encoded.encoding).toBe(PayloadEncoding.EMPTY);
      expect(decodeValue(encoded.encoding, new Uint8Array(0)).length).toBe(0);
    }
    expect(() => encodeValue(new DataView(new ArrayBuffer(4)) as never)).toThrow(expect.objectContaining({ name: "UnsupportedValueError", message: expect.stringMatching(/^a DataView cannot be sent; pass a typed array/) }));
  });

  it("an explicit type the direct builder does not cover is built by Arrow, and a value it cannot take is refused with Arrow's error as cause", () => {
    expect(() => encodeValue(["not a decimal"], { type: new Decimal(2, 10, 128) })).toThrow(expect.objectContaining({ name: "UnsupportedValueError", message: expect.stringMatching(/^cannot build Decimal.* from this value$/), cause: expect.anything() }));
  });
});
