import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WIRE_HEAD_BYTES, WireFrameReader, encodeWireHead } from "../src/wire-frame.js";

/** Splits `bytes` at the given cut points (taken modulo its length). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => (bytes.byteLength === 0 ? 0 : c % bytes.byteLength)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(at, point));
    at = point;
  }
  chunks.push(bytes.subarray(at));
  return chunks;
}

function stream(frames: { kind: number; body: Uint8Array }[]): Uint8Array {
  const parts = frames.flatMap((f) => [encodeWireHead(f.kind, f.body.byteLength), f.body]);
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

describe("WireFrameReader (property)", () => {
  it("never throws anything but FrameDecodeError on random input split anywhere, and never yields a body over the limit", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 0, max: 256 }), fc.boolean(), (bytes, cuts, maxBytes, reused) => {
        const bodies: number[] = [];
        const reader = new WireFrameReader((_, body) => bodies.push(body.byteLength), maxBytes, reused);
        try {
          for (const chunk of split(bytes, cuts)) reader.push(reused ? Uint8Array.from(chunk) : chunk);
        } catch (error) {
          expect((error as Error).name).toBe("FrameDecodeError");
        }
        expect(bodies.every((n) => n <= maxBytes)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("yields exactly the frames of a valid stream however it is split, and reports a truncated tail as partial", () => {
    const frame = fc.record({ kind: fc.integer({ min: 0, max: 255 }), body: fc.uint8Array({ maxLength: 100 }) });
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 1, max: WIRE_HEAD_BYTES + 100 }), (frames, cuts, cut) => {
        const bytes = stream(frames);
        const seen: { kind: number; body: number[] }[] = [];
        const reader = new WireFrameReader((kind, body) => seen.push({ kind, body: [...body] }));
        for (const chunk of split(bytes, cuts)) reader.push(chunk);
        expect(seen).toEqual(frames.map((f) => ({ kind: f.kind, body: [...f.body] })));
        expect(reader.partial).toBe(false);
        if (frames.length === 0) return;
        const tail = new WireFrameReader(() => {});
        const last = frames[frames.length - 1]!;
        const lastLength = WIRE_HEAD_BYTES + last.body.byteLength;
        tail.push(bytes.subarray(0, bytes.byteLength - (cut % lastLength)));
        if (cut % lastLength !== 0) expect(tail.partial).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses a head announcing more than the limit, with FrameDecodeError", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffffffff }), (length) => {
        const reader = new WireFrameReader(() => {}, length - 1);
        expect(() => reader.push(encodeWireHead(1, length))).toThrow(expect.objectContaining({ name: "FrameDecodeError" }));
      }),
    );
  });
});
