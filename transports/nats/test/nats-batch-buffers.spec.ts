import { describe, expect, it } from "vitest";
import { FrameBatch, batchFrames } from "../src/nats-batch.js";
import { BatchBuffers } from "../src/nats-batch-buffers.js";
import { decodeMessage } from "../src/nats-wire.js";

const LIMIT = 16 * 1024;

/** Fills a batch to its limit with frames of `fill` and takes it. */
function fullBatch(batch: FrameBatch, first: number, fill: number): Uint8Array {
  let seq = first;
  while (batch.accepts(seq, 500)) batch.add(seq++, [new Uint8Array(500).fill(fill)], 500);
  return batch.take(1).message;
}

describe("BatchBuffers", () => {
  it("gives a burst's buffer again only after a flush that started after it was published succeeded", () => {
    const buffers = new BatchBuffers(LIMIT);
    const batch = new FrameBatch(LIMIT, buffers);
    const first = fullBatch(batch, 0, 1);
    const settle = buffers.flushStarted();
    // Published during the flush: the client may not have written it when the flush resolves.
    const second = fullBatch(batch, 100, 2);
    expect(second.buffer).not.toBe(first.buffer);
    settle(true);
    const third = fullBatch(batch, 200, 3);
    expect(third.buffer).toBe(first.buffer);
    expect(batchFrames(decodeMessage(third).body).every((f) => f[0] === 3)).toBe(true);
    // The second one was published before no flush yet: it is still the client's.
    const fourth = fullBatch(batch, 300, 4);
    expect(fourth.buffer).not.toBe(second.buffer);
    expect(batchFrames(decodeMessage(second).body).every((f) => f[0] === 2)).toBe(true);
  });

  it("frees nothing when the flush failed: the client may send those buffers again after reconnecting", () => {
    const buffers = new BatchBuffers(LIMIT);
    const batch = new FrameBatch(LIMIT, buffers);
    const first = fullBatch(batch, 0, 1);
    buffers.flushStarted()(false);
    expect(fullBatch(batch, 100, 2).buffer).not.toBe(first.buffer);
    expect(batchFrames(decodeMessage(first).body).every((f) => f[0] === 1)).toBe(true);
  });

  it("leaves the small buffers of a quiet sender's batches out of the pool", () => {
    const buffers = new BatchBuffers(LIMIT);
    const batch = new FrameBatch(LIMIT, buffers);
    batch.add(0, [new Uint8Array(8)], 8);
    batch.add(1, [new Uint8Array(8)], 8);
    const small = batch.take(1).message;
    expect(small.buffer.byteLength).toBeLessThan(LIMIT);
    buffers.flushStarted()(true);
    expect(buffers.take().byteLength).toBe(LIMIT);
    expect(buffers.take().buffer).not.toBe(small.buffer);
  });

  it("refuses pooled buffers of another size than the batch limit", () => {
    expect(() => new FrameBatch(LIMIT, new BatchBuffers(LIMIT * 2))).toThrow(RangeError);
  });
});
