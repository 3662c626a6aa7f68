import { describe, expect, it } from "vitest";
import { FRAME_HEADER_BYTES, PayloadEncoding, decodeFrame, encodeFrameHead } from "../src/frame-codec.js";

function frame(head: Uint8Array, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(head.byteLength + payload.byteLength);
  bytes.set(head);
  bytes.set(payload, head.byteLength);
  return bytes;
}

describe("frame codec", () => {
  it("round-trips header fields, parameters and payload", () => {
    const head = encodeFrameHead({ encoding: PayloadEncoding.RAW, seq: 42, timestamp: 1_700_000_000_123_456, parameters: { frame: 7, tag: "a", ok: true, list: [1, 2] } });
    expect(head.byteLength % 8).toBe(0);
    const decoded = decodeFrame(frame(head, Uint8Array.of(1, 2, 3)));
    expect(decoded).toMatchObject({ encoding: PayloadEncoding.RAW, seq: 42, timestamp: 1_700_000_000_123_456, parameters: { frame: 7, tag: "a", ok: true, list: [1, 2] } });
    expect([...decoded.payload]).toEqual([1, 2, 3]);
  });

  it("omits parameter bytes when there are none", () => {
    const head = encodeFrameHead({ encoding: PayloadEncoding.EMPTY, seq: 1, timestamp: 1, parameters: {} });
    expect(head.byteLength).toBe(FRAME_HEADER_BYTES);
    expect(decodeFrame(head).payload.byteLength).toBe(0);
  });

  it.each([
    ["a frame shorter than its header", new Uint8Array(10)],
    ["an unknown version", (() => { const b = encodeFrameHead({ encoding: 0, seq: 1, timestamp: 1, parameters: {} }); b[0] = 99; return b; })()],
    ["an unknown encoding", (() => { const b = encodeFrameHead({ encoding: 0, seq: 1, timestamp: 1, parameters: {} }); b[1] = 42; return b; })()],
    ["parameters running past the end", (() => { const b = encodeFrameHead({ encoding: 0, seq: 1, timestamp: 1, parameters: {} }); new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(4, 1000, true); return b; })()],
    ["parameters that are not JSON", (() => { const b = encodeFrameHead({ encoding: 0, seq: 1, timestamp: 1, parameters: { a: 1 } }); b[FRAME_HEADER_BYTES] = 0x7b + 1; return b; })()],
  ])("rejects %s with FrameDecodeError", (_, bytes) => {
    expect(() => decodeFrame(bytes)).toThrow(expect.objectContaining({ name: "FrameDecodeError" }));
  });
});
