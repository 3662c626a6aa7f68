import { describe, expect, it } from "vitest";
import { FrameDecodeError } from "@rivulet/core";
import { FrameBatch, batchFrames } from "../src/nats-batch.js";
import { NATS_HEAD_BYTES, NatsKind, decodeMessage, ownFrame } from "../src/nats-wire.js";

const bytes = (length: number, fill: number): Uint8Array => new Uint8Array(length).fill(fill);

describe("FrameBatch", () => {
  it("packs frames of consecutive numbers into one BATCH message that batchFrames takes apart", () => {
    const batch = new FrameBatch(64 * 1024);
    const frames = [bytes(0, 0), bytes(8, 1), bytes(3000, 2), bytes(5000, 3)];
    frames.forEach((frame, i) => {
      expect(batch.accepts(41 + i, frame.byteLength)).toBe(true);
      // A frame given in two chunks (head and payload, as the SDK sends) is joined.
      batch.add(41 + i, [frame.subarray(0, 2), frame.subarray(2)], frame.byteLength);
    });
    const { message, frames: count } = batch.take(0xabcdef01);
    expect(count).toBe(4);
    const decoded = decodeMessage(message);
    expect(decoded).toMatchObject({ kind: NatsKind.BATCH, epoch: 0xabcdef01, seq: 41 });
    expect(batchFrames(decoded.body).map((f) => new Uint8Array(f))).toEqual(frames);
    expect(batch.count).toBe(0);
  });

  it("copies frames in: the sender may reuse its buffer at once", () => {
    const batch = new FrameBatch(1024);
    const reused = bytes(16, 7);
    batch.add(0, [reused], 16);
    reused.fill(9);
    batch.add(1, [reused], 16);
    const frames = batchFrames(decodeMessage(batch.take(1).message).body);
    expect(frames.map((f) => f[0])).toEqual([7, 9]);
  });

  it("refuses a frame past the limit, or one whose number does not follow", () => {
    const batch = new FrameBatch(100);
    expect(batch.accepts(0, 100 - NATS_HEAD_BYTES - 4)).toBe(true);
    expect(batch.accepts(0, 100 - NATS_HEAD_BYTES - 3)).toBe(false);
    batch.add(5, [bytes(10, 1)], 10);
    expect(batch.accepts(7, 10)).toBe(false);
    expect(batch.accepts(6, 10)).toBe(true);
    batch.add(6, [bytes(10, 1)], 10);
    expect(batch.accepts(7, 100 - NATS_HEAD_BYTES - 2 * 14 - 4 + 1)).toBe(false);
  });

  it("grows its buffer, keeping what it holds, and gives each message a buffer of its own", () => {
    const batch = new FrameBatch(1 << 20);
    for (let i = 0; i < 100; i++) batch.add(i, [bytes(1000, i)], 1000);
    const first = batch.take(1).message;
    batch.add(100, [bytes(10, 200)], 10);
    const second = batch.take(1).message;
    const frames = batchFrames(decodeMessage(first).body);
    expect(frames).toHaveLength(100);
    frames.forEach((frame, i) => expect(new Uint8Array(frame)).toEqual(bytes(1000, i)));
    expect(new Uint8Array(batchFrames(decodeMessage(second).body)[0]!)).toEqual(bytes(10, 200));
  });
});

describe("ownFrame", () => {
  it("copies a frame out of a larger message, and keeps one that is most of its buffer", () => {
    const message = new Uint8Array(1000);
    const small = ownFrame(message.subarray(16, 24));
    expect(small.buffer).not.toBe(message.buffer);
    expect(small.byteLength).toBe(8);
    const large = message.subarray(16);
    expect(ownFrame(large)).toBe(large);
  });
});

describe("batchFrames", () => {
  it("refuses a body whose lengths do not add up, naming where", () => {
    const cut = new Uint8Array([0, 0, 0, 9, 1, 2, 3]);
    expect(() => batchFrames(cut)).toThrow(FrameDecodeError);
    expect(() => batchFrames(cut)).toThrow(/frame of 9 bytes at byte 4 overflows its message of 7/);
    expect(() => batchFrames(new Uint8Array([0, 0, 0, 1, 5, 0, 0]))).toThrow(/cut inside a frame length at byte 5/);
    expect(() => batchFrames(new Uint8Array(0))).toThrow(/holds no frame/);
  });
});
