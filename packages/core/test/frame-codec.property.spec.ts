import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FRAME_HEADER_BYTES, PayloadEncoding, decodeFrame, encodeFrameHead } from "../src/frame-codec.js";

/** Runs `decode` and returns the thrown error's name, or "ok". Anything but FrameDecodeError fails. */
function outcome(decode: () => unknown): string {
  try {
    decode();
    return "ok";
  } catch (error) {
    return (error as Error).name;
  }
}

const concat = (head: Uint8Array, payload: Uint8Array): Uint8Array => {
  const frame = new Uint8Array(head.byteLength + payload.byteLength);
  frame.set(head);
  frame.set(payload, head.byteLength);
  return frame;
};

const parameter = fc.oneof(fc.boolean(), fc.integer(), fc.string(), fc.array(fc.string(), { maxLength: 3 }));
const header = fc.record({
  encoding: fc.constantFrom(...Object.values(PayloadEncoding)),
  seq: fc.nat(),
  timestamp: fc.nat(),
  parameters: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), parameter, { maxKeys: 4 }),
});

describe("decodeFrame (property)", () => {
  it("never throws anything but FrameDecodeError on random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => ["ok", "FrameDecodeError"].includes(outcome(() => decodeFrame(bytes)))), { numRuns: 2000 });
  });

  it("never throws anything but FrameDecodeError on random bytes behind a valid version byte", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: FRAME_HEADER_BYTES, maxLength: 256 }), fc.nat(3), (bytes, encoding) => {
        bytes[0] = 1;
        bytes[1] = encoding;
        return ["ok", "FrameDecodeError"].includes(outcome(() => decodeFrame(bytes)));
      }),
      { numRuns: 2000 },
    );
  });

  it("decodes what it encoded, and refuses every truncation that cuts the header or parameters", () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 64 }), fc.nat(), (h, payload, cut) => {
        const frame = concat(encodeFrameHead(h), payload);
        const decoded = decodeFrame(frame);
        expect(decoded).toMatchObject({ encoding: h.encoding, seq: h.seq, timestamp: h.timestamp, parameters: h.parameters });
        expect([...decoded.payload]).toEqual([...payload]);
        const headLength = frame.byteLength - payload.byteLength;
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
        frame[0] = 1;
        new DataView(frame.buffer).setUint32(4, paramBytes + 8, true);
        expect(outcome(() => decodeFrame(frame))).toBe("FrameDecodeError");
        const body = new TextEncoder().encode(json);
        const head = new Uint8Array(FRAME_HEADER_BYTES + 8);
        head[0] = 1;
        new DataView(head.buffer).setUint32(4, body.byteLength, true);
        head.set(body, FRAME_HEADER_BYTES);
        expect(outcome(() => decodeFrame(head))).toBe("FrameDecodeError");
      }),
      { numRuns: 200 },
    );
  });
});
