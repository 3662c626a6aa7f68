import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameDecodeError } from "../src/errors.js";
import { FRAME_HEADER_BYTES, type FrameHeader, PayloadEncoding, decodeFrame, encodeFrameHead } from "../src/frame-codec.js";

/** Runs `decode`: "ok", "FrameDecodeError" for that class or a subclass, else the error's name (a failure). */
function outcome(decode: () => unknown): string {
  try {
    decode();
    return "ok";
  } catch (error) {
    return error instanceof FrameDecodeError ? "FrameDecodeError" : (error as Error).name;
  }
}

const concat = (head: Uint8Array, payload: Uint8Array): Uint8Array => {
  const frame = new Uint8Array(head.byteLength + payload.byteLength);
  frame.set(head);
  frame.set(payload, head.byteLength);
  return frame;
};

const parameter = fc.oneof(fc.boolean(), fc.integer(), fc.string(), fc.array(fc.string(), { maxLength: 3 }));
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const header: fc.Arbitrary<FrameHeader> = fc.record(
  {
    encoding: fc.constantFrom(...Object.values(PayloadEncoding)),
    seq: fc.nat(),
    timestamp: fc.nat(),
    parameters: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), parameter, { maxKeys: 4 }),
    channelId: fc.nat({ max: 0xffffffff }),
    fin: fc.boolean(),
    flush: fc.boolean(),
    requestId: u64,
    goalId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    streamSeq: u64,
    trace: fc.record({ traceId: fc.uint8Array({ minLength: 16, maxLength: 16 }), spanId: fc.uint8Array({ minLength: 8, maxLength: 8 }), flags: fc.nat({ max: 255 }) }),
  },
  { requiredKeys: ["encoding", "seq", "timestamp", "parameters"] },
);

describe("decodeFrame (property)", () => {
  it("never throws anything but FrameDecodeError on random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => ["ok", "FrameDecodeError"].includes(outcome(() => decodeFrame(bytes)))), { numRuns: 2000 });
  });

  it("never throws anything but FrameDecodeError on random bytes behind a valid version byte", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: FRAME_HEADER_BYTES, maxLength: 256 }), fc.nat(4), fc.nat(63), (bytes, encoding, flags) => {
        bytes[0] = 2;
        bytes[1] = encoding;
        bytes[2] = flags;
        bytes[3] = 0;
        return ["ok", "FrameDecodeError"].includes(outcome(() => decodeFrame(bytes)));
      }),
      { numRuns: 2000 },
    );
  });

  it("decodes what it encoded, every flag and optional field included, and refuses every truncation of the head", () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 64 }), fc.nat(), (h, payload, cut) => {
        const frame = concat(encodeFrameHead(h), payload);
        const decoded = decodeFrame(frame);
        const { fin, flush, ...fields } = h;
        expect(decoded).toEqual({ ...fields, channelId: h.channelId ?? 0, ...(fin ? { fin } : {}), ...(flush ? { flush } : {}), payload: decoded.payload });
        expect([...decoded.payload]).toEqual([...payload]);
        const headLength = frame.byteLength - payload.byteLength;
        expect(headLength % 8).toBe(0);
        const truncated = frame.subarray(0, cut % headLength);
        expect(outcome(() => decodeFrame(truncated))).toBe("FrameDecodeError");
      }),
      { numRuns: 500 },
    );
  });

  it("refuses a parameter length beyond the frame, and parameters that are not a JSON object", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffffffff - 8 }), fc.constantFrom("1", "[1]", "null", '"x"', "{"), (paramBytes, json) => {
        const frame = new Uint8Array(FRAME_HEADER_BYTES + 8);
        frame[0] = 2;
        new DataView(frame.buffer).setUint32(24, paramBytes + 8, true);
        expect(outcome(() => decodeFrame(frame))).toBe("FrameDecodeError");
        const body = new TextEncoder().encode(json);
        const head = new Uint8Array(FRAME_HEADER_BYTES + 8);
        head[0] = 2;
        new DataView(head.buffer).setUint32(24, body.byteLength, true);
        head.set(body, FRAME_HEADER_BYTES);
        expect(outcome(() => decodeFrame(head))).toBe("FrameDecodeError");
      }),
      { numRuns: 200 },
    );
  });
});
