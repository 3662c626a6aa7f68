import { describe, expect, it } from "vitest";
import { FRAME_FORMAT_VERSION } from "../src/constants.js";
import { FRAME_HEADER_BYTES, FrameFlag, PayloadEncoding, decodeFrame, encodeFrameHead, frameFieldsOf, withChannelId } from "../src/frame-codec.js";

function frame(head: Uint8Array, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(head.byteLength + payload.byteLength);
  bytes.set(head);
  bytes.set(payload, head.byteLength);
  return bytes;
}

const plain = () => encodeFrameHead({ encoding: 0, seq: 1, timestamp: 1, parameters: {} });
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe("frame codec", () => {
  it("round-trips header fields, parameters and payload", () => {
    const head = encodeFrameHead({ encoding: PayloadEncoding.RAW, seq: 42, timestamp: 1_700_000_000_123_456, channelId: 7, parameters: { frame: 7, tag: "a", ok: true, list: [1, 2] } });
    expect(head.byteLength % 8).toBe(0);
    const decoded = decodeFrame(frame(head, Uint8Array.of(1, 2, 3)));
    expect(decoded).toMatchObject({ encoding: PayloadEncoding.RAW, seq: 42, timestamp: 1_700_000_000_123_456, channelId: 7, parameters: { frame: 7, tag: "a", ok: true, list: [1, 2] } });
    expect(decoded.fin).toBeUndefined();
    expect(decoded.requestId).toBeUndefined();
    expect([...decoded.payload]).toEqual([1, 2, 3]);
  });

  it("omits parameter bytes and optional fields when there are none: a 32-byte head, version 2", () => {
    const head = encodeFrameHead({ encoding: PayloadEncoding.EMPTY, seq: 1, timestamp: 1, parameters: {} });
    expect(head.byteLength).toBe(FRAME_HEADER_BYTES);
    expect(FRAME_HEADER_BYTES).toBe(32);
    expect(head[0]).toBe(FRAME_FORMAT_VERSION);
    expect(view(head).getUint16(2, true)).toBe(0);
    expect(decodeFrame(head).channelId).toBe(0);
    expect(decodeFrame(head).payload.byteLength).toBe(0);
  });

  it("writes the optional fields in flag order after the header, before the parameters", () => {
    const goalId = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const trace = { traceId: new Uint8Array(16).fill(0xaa), spanId: new Uint8Array(8).fill(0xbb), flags: 1 };
    const head = encodeFrameHead({ encoding: 0, seq: 1, timestamp: 1, parameters: { k: 1 }, fin: true, flush: true, requestId: 2n ** 64n - 1n, goalId, streamSeq: 5n, trace });
    expect(view(head).getUint16(2, true)).toBe(FrameFlag.FIN | FrameFlag.FLUSH | FrameFlag.REQUEST_ID | FrameFlag.GOAL_ID | FrameFlag.STREAM_SEQ | FrameFlag.TRACE);
    expect(view(head).getBigUint64(32, true)).toBe(2n ** 64n - 1n);
    expect([...head.subarray(40, 56)]).toEqual([...goalId]);
    expect(view(head).getBigUint64(56, true)).toBe(5n);
    expect([...head.subarray(64, 96)]).toEqual([...trace.traceId, ...trace.spanId, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(head.subarray(96, 96 + view(head).getUint32(24, true)))).toBe('{"k":1}');
    const decoded = decodeFrame(head);
    expect(decoded).toMatchObject({ fin: true, flush: true, requestId: 2n ** 64n - 1n, streamSeq: 5n, parameters: { k: 1 } });
    expect([...decoded.goalId!]).toEqual([...goalId]);
    expect([[...decoded.trace!.traceId], [...decoded.trace!.spanId], decoded.trace!.flags]).toEqual([[...trace.traceId], [...trace.spanId], 1]);
  });

  it("refuses values the optional fields cannot carry, as programming errors naming the field", () => {
    const head = (fields: object) => () => encodeFrameHead({ encoding: 0, seq: 1, timestamp: 1, parameters: {}, ...fields });
    const trace = (fields: object) => ({ trace: { traceId: new Uint8Array(16), spanId: new Uint8Array(8), flags: 0, ...fields } });
    expect(head({ requestId: -1n })).toThrow(new RangeError("request id -1 is not a u64"));
    expect(head({ requestId: 2n ** 64n })).toThrow(new RangeError(`request id ${2n ** 64n} is not a u64`));
    expect(head({ streamSeq: 2n ** 64n })).toThrow(new RangeError(`stream position ${2n ** 64n} is not a u64`));
    expect(head({ streamSeq: 2n ** 64n - 1n })).not.toThrow();
    expect(head({ goalId: new Uint8Array(15) })).toThrow(new RangeError("goal id has 15 bytes, expected 16"));
    expect(head(trace({ flags: 256 }))).toThrow(new RangeError("trace flags 256 are not a byte"));
    expect(head(trace({ flags: -1 }))).toThrow(new RangeError("trace flags -1 are not a byte"));
    expect(head(trace({ flags: 1.5 }))).toThrow(new RangeError("trace flags 1.5 are not a byte"));
    expect(head(trace({ flags: 255 }))).not.toThrow();
    expect(head(trace({ traceId: new Uint8Array(17) }))).toThrow(new RangeError("trace id has 17 bytes, expected 16"));
    expect(head(trace({ spanId: new Uint8Array(7) }))).toThrow(new RangeError("span id has 7 bytes, expected 8"));
  });

  it("frameFieldsOf picks the typed fields that are set, and gives undefined when none is", () => {
    const trace = { traceId: new Uint8Array(16), spanId: new Uint8Array(8), flags: 0 };
    expect(frameFieldsOf({})).toBeUndefined();
    expect(frameFieldsOf({ fin: false, flush: false })).toBeUndefined();
    expect(frameFieldsOf({ signal: new AbortController().signal } as object)).toBeUndefined();
    for (const fields of [{ fin: true }, { flush: true }, { requestId: 0n }, { goalId: new Uint8Array(16) }, { streamSeq: 0n }, { trace }]) {
      expect(frameFieldsOf({ ...fields, signal: undefined } as object)).toEqual(fields);
      // Only the fields that are set become keys (metadata shows no undefined fields).
      expect(Object.keys(frameFieldsOf(fields)!)).toEqual(Object.keys(fields));
    }
    expect(frameFieldsOf({ fin: true, flush: true, requestId: 1n, streamSeq: 2n, trace })).toEqual({ fin: true, flush: true, requestId: 1n, streamSeq: 2n, trace });
  });

  it("withChannelId copies a head with another channel id, leaving the original as it was", () => {
    const head = encodeFrameHead({ encoding: 0, seq: 1, timestamp: 1, parameters: { a: 1 }, channelId: 3 });
    const other = withChannelId(head, 9);
    expect(other).not.toBe(head);
    expect(decodeFrame(other)).toMatchObject({ channelId: 9, parameters: { a: 1 } });
    expect(decodeFrame(head).channelId).toBe(3);
    expect([...other.subarray(8)]).toEqual([...head.subarray(8)]);
  });

  it("says what is wrong with a refused frame", () => {
    expect(() => decodeFrame(new Uint8Array(0))).toThrow(expect.objectContaining({ name: "FrameDecodeError", message: "empty frame" }));
    expect(() => decodeFrame(Uint8Array.of(1))).toThrow(expect.objectContaining({ name: "UnsupportedFrameVersionError" }));
    const flagged = plain();
    view(flagged).setUint16(2, 64 | 1, true);
    expect(() => decodeFrame(flagged)).toThrow(expect.objectContaining({ message: "unknown frame flags 0x40", offset: 2 }));
    const short = plain();
    view(short).setUint16(2, FrameFlag.REQUEST_ID, true);
    view(short).setUint32(24, 3, true);
    expect(() => decodeFrame(short)).toThrow(expect.objectContaining({ message: "optional fields and parameters of 11 bytes run past the end of a 32-byte frame", offset: 24 }));
    const reserved = plain();
    reserved[31] = 1;
    expect(() => decodeFrame(reserved)).toThrow(expect.objectContaining({ message: "the frame header's reserved field is not zero", offset: 28 }));
    const bad = encodeFrameHead({ encoding: 0, seq: 1, timestamp: 1, parameters: { a: 1 } });
    bad[FRAME_HEADER_BYTES] = 0x7c;
    expect(() => decodeFrame(bad)).toThrow(expect.objectContaining({ message: "frame parameters are not valid JSON", offset: FRAME_HEADER_BYTES, cause: expect.objectContaining({ name: "SyntaxError" }) }));
    const array = encodeFrameHead({ encoding: 0, seq: 1, timestamp: 1, parameters: { a: 1 } });
    array.set(new TextEncoder().encode('[1,2,3]'), FRAME_HEADER_BYTES);
    expect(() => decodeFrame(array)).toThrow(expect.objectContaining({ message: "frame parameters are not a JSON object" }));
    expect(() => decodeFrame(Uint8Array.of(2, 0, 0))).toThrow(expect.objectContaining({ message: "frame of 3 bytes is shorter than its 32-byte header" }));
    const encoding = plain();
    encoding[1] = 5;
    expect(() => decodeFrame(encoding)).toThrow(expect.objectContaining({ message: "unknown payload encoding 5" }));
  });

  it("names a frame of another format version UnsupportedFrameVersionError (a FrameDecodeError), never a crash", () => {
    for (const version of [1, 3, 255]) {
      const b = plain();
      b[0] = version;
      expect(() => decodeFrame(b)).toThrow(expect.objectContaining({ name: "UnsupportedFrameVersionError", version, supported: 2 }));
    }
    // A version-1 frame is 24 bytes of header: the version is read before the length is checked.
    expect(() => decodeFrame(Uint8Array.of(1, 0, 0))).toThrow(expect.objectContaining({ name: "UnsupportedFrameVersionError", version: 1 }));
  });

  it.each([
    ["an empty frame", new Uint8Array(0)],
    ["a frame shorter than its header", (() => { const b = new Uint8Array(31); b[0] = 2; return b; })()],
    ["an unknown encoding", (() => { const b = plain(); b[1] = 42; return b; })()],
    ["an unknown flag", (() => { const b = plain(); view(b).setUint16(2, 64, true); return b; })()],
    ["a reserved field that is not zero", (() => { const b = plain(); b[28] = 1; return b; })()],
    ["optional fields running past the end", (() => { const b = plain(); view(b).setUint16(2, FrameFlag.TRACE, true); return b; })()],
    ["parameters running past the end", (() => { const b = plain(); view(b).setUint32(24, 1000, true); return b; })()],
    ["parameters that are not JSON", (() => { const b = encodeFrameHead({ encoding: 0, seq: 1, timestamp: 1, parameters: { a: 1 } }); b[FRAME_HEADER_BYTES] = 0x7b + 1; return b; })()],
  ])("rejects %s with FrameDecodeError", (_, bytes) => {
    expect(() => decodeFrame(bytes)).toThrow(expect.objectContaining({ name: "FrameDecodeError" }));
  });
});
