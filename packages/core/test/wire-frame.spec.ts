import { describe, expect, it } from "vitest";
import { WIRE_HEAD_BYTES, WireFrameReader, encodeWireHead } from "../src/wire-frame.js";

function stream(frames: { kind: number; body: Uint8Array }[]): Uint8Array {
  const parts = frames.flatMap((f) => [encodeWireHead(f.kind, f.body.byteLength), f.body]);
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}

const body = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

describe("WireFrameReader", () => {
  const frames = [
    { kind: 1, body: body(0, 0) },
    { kind: 2, body: body(5, 1) },
    { kind: 3, body: body(300, 2) },
    { kind: 1, body: body(1, 3) },
  ];
  const bytes = stream(frames);

  it.each([1, 2, 3, 7, 8, 9, 64, bytes.byteLength])("reassembles frames fed in chunks of %i bytes", (size) => {
    const got: { kind: number; body: number[] }[] = [];
    const reader = new WireFrameReader((kind, b) => {
      expect(b.byteOffset % 8).toBe(0);
      got.push({ kind, body: [...b] });
    });
    for (let at = 0; at < bytes.byteLength; at += size) reader.push(bytes.subarray(at, at + size));
    expect(got).toEqual(frames.map((f) => ({ kind: f.kind, body: [...f.body] })));
    expect(reader.partial).toBe(false);
  });

  it("hands out 8-byte-aligned bodies even from an unaligned chunk", () => {
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    const offsets: number[] = [];
    new WireFrameReader((_, b) => offsets.push(b.byteOffset % 8)).push(shifted.subarray(3));
    expect(offsets).toEqual([0, 0, 0, 0]);
  });

  it("rejects a head announcing more than the limit as corruption", () => {
    const reader = new WireFrameReader(() => {}, 1024);
    expect(() => reader.push(encodeWireHead(1, 4096))).toThrow(expect.objectContaining({ name: "FrameDecodeError" }));
  });

  it("reports a partial frame", () => {
    const reader = new WireFrameReader(() => {});
    reader.push(bytes.subarray(0, WIRE_HEAD_BYTES + 3));
    expect(reader.partial).toBe(true);
  });
});
