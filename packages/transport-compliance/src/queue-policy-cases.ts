import { expect, it } from "vitest";
import type { Publisher, Transport, TransportCapabilities } from "@rivulet/core";
import { type ComplianceSetup, type Recorder, planChannel, record, seqChunk, seqOf } from "./harness.js";

/** Runs one test with a fresh setup and closes every transport it made. */
export type WithTransports = (test: (setup: ComplianceSetup, make: () => Transport) => Promise<void>) => Promise<void>;

const QUEUE_SIZE = 10;
const MB = 1024 * 1024;
const DEFAULT_FIXED_OVERHEAD_BYTES = 4 * MB;
/** The probes of issue 6: a few huge frames, some large ones, many small ones. */
const BURSTS = [
  { count: 5, size: 40 * MB },
  { count: 20, size: 8 * MB },
  { count: 100_000, size: 1024 },
];

const label = (size: number): string => (size >= MB ? `${size / MB} MB` : `${size / 1024} KB`);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Sends `count` frames of `size` bytes (a sequence number, then one shared payload) the way a
 * producer loop does (`await` each send), and returns the peak of `publisher.bufferedBytes`.
 */
async function burst(publisher: Publisher, count: number, size: number): Promise<number> {
  const payload = new Uint8Array(size - 8);
  let peak = 0;
  for (let i = 0; i < count; i++) {
    const wait = publisher.send([seqChunk(i), payload]);
    peak = Math.max(peak, publisher.bufferedBytes);
    if (wait) await wait;
  }
  return peak;
}

/** What a publisher may hold for one subscriber: its queue_size frames, one being written, a fixed overhead. */
function memoryBound(setup: ComplianceSetup, size: number): number {
  return (QUEUE_SIZE + 1) * (size + 64) + (setup.fixedOverheadBytes ?? DEFAULT_FIXED_OVERHEAD_BYTES);
}

/**
 * The queue-policy cases of the compliance suite: drop_oldest keeps the newest frames of a
 * subscriber that does not read and loses nothing for one that reads, with bounded memory;
 * pause is exact; backpressure makes the sender wait and loses nothing.
 */
export function queuePolicyCases(withTransports: WithTransports, capabilities: TransportCapabilities): void {
  const withoutFlowControl = !capabilities.flowControl;
  for (const { count, size } of BURSTS) {
    it(`drop_oldest: a subscriber that does not read ends with the newest ${QUEUE_SIZE} of ${count} x ${label(size)}, the rest dropped oldest-first and counted, memory bounded`, () =>
      withTransports(async (setup, make) => {
        const channel = await planChannel(setup, "a/out", ["b"]);
        const publisher = await make().publish(channel);
        const recorder = await record(make(), channel, "b", { queueSize: QUEUE_SIZE, keepBytes: 8 });
        recorder.subscription.pause();
        const peak = await burst(publisher, count, size);
        const drops = publisher.drops;
        recorder.subscription.resume();
        await publisher.close();
        await recorder.ended(120_000);
        // Transports whose publisher cannot see its subscribers count the drops on the subscriber side.
        const dropped = drops + (recorder.subscription.drops ?? 0);
        const seqs = recorder.frames.map(seqOf);
        const kept = Math.min(QUEUE_SIZE, count);
        // The newest queue_size arrive; before them only frames that had already left the
        // publisher when the subscriber stopped reading, which are the oldest ones. A transport
        // that drops on the subscriber side (it counts `subscription.drops`) cannot know, when
        // it resumes, which frames are still on the way: it delivers the newest it holds, then
        // those, so the frames before the newest queue_size are in order but not always the oldest.
        expect(seqs.slice(-kept)).toEqual(range(count - kept, count));
        if (recorder.subscription.drops === undefined) expect(seqs.slice(0, -kept)).toEqual(range(0, seqs.length - kept));
        else expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
        expect(seqs.length + dropped).toBe(count);
        expect(recorder.sizes.every((s) => s === size)).toBe(true);
        expect(peak).toBeLessThanOrEqual(memoryBound(setup, size));
      }));
  }

  for (const { count, size } of [BURSTS[2]!, BURSTS[1]!]) {
    it(`drop_oldest: a subscriber that reads as fast as it can gets all of a ${count} x ${label(size)} burst, in order, with bounded memory`, () =>
      withTransports(async (setup, make) => {
        const channel = await planChannel(setup, "a/out", ["b"]);
        const publisher = await make().publish(channel);
        const recorder = await record(make(), channel, "b", { queueSize: QUEUE_SIZE, keepBytes: 8 });
        const peak = await burst(publisher, count, size);
        // Closing delivers whatever is still queued; a dropped frame then shows as a count
        // (and a gap) instead of a wait that never ends.
        const drops = publisher.drops;
        await publisher.close();
        await recorder.ended(120_000);
        expect(drops + (recorder.subscription.drops ?? 0)).toBe(0);
        expect(recorder.frames.length).toBe(count);
        expect(recorder.frames.map(seqOf)).toEqual(range(0, count));
        expect(peak).toBeLessThanOrEqual(memoryBound(setup, size));
      }));
  }

  it("delivers nothing between pause() and resume(), not even frames already read", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b"]);
      const publisher = await make().publish(channel);
      let paused = false;
      let deliveredWhilePaused = 0;
      const recorder: Recorder = await record(make(), channel, "b", {
        keepBytes: 8,
        onFrame: () => {
          if (paused) deliveredWhilePaused++;
          else if (recorder.frames.length === 1) {
            paused = true;
            recorder.subscription.pause();
          }
        },
      });
      // Sent in one go, so the subscriber reads many frames at once and pauses at the first.
      for (let i = 0; i < 100; i++) void publisher.send([seqChunk(i)]);
      await recorder.received(1);
      expect(deliveredWhilePaused).toBe(0);
      // The end of the channel, too, waits behind the held frames.
      const closing = publisher.close();
      paused = false;
      recorder.subscription.resume();
      await closing;
      await recorder.ended();
      expect(recorder.frames.map(seqOf)).toEqual(range(0, 100));
      expect(recorder.closed?.reason).toBe("end");
    }));

  it.skipIf(withoutFlowControl)("drops and counts frames for a subscriber that stops reading without flow control, while a flow-controlled one gets everything", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b", "c"]);
      const publisher = await make().publish(channel);
      const stalled = await record(make(), channel, "b", { keepBytes: 8 });
      // The healthy subscriber uses flow control, so it paces the sender and never loses a frame.
      const healthy = await record(make(), channel, "c", { flowControl: true, keepBytes: 8 });
      stalled.subscription.pause();
      const frame = new Uint8Array(256 * 1024);
      const total = 600; // 150 MB: more than the kernel and any publisher buffer hold
      for (let i = 0; i < total; i++) await publisher.send([seqChunk(i), frame]);
      await healthy.received(total, 60_000);
      expect(publisher.drops).toBeGreaterThan(0);
      stalled.subscription.resume();
      await publisher.close();
      await stalled.ended(60_000);
      expect(stalled.frames.length + publisher.drops).toBe(total);
      expect(stalled.frames.map(seqOf).slice(-10)).toEqual(range(total - 10, total));
      expect(healthy.frames.map(seqOf)).toEqual(range(0, total));
    }));

  it.skipIf(withoutFlowControl)("makes the sender wait for a paused flow-controlled subscriber, losing nothing", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b"]);
      const publisher = await make().publish(channel);
      const recorder = await record(make(), channel, "b", { flowControl: true, keepBytes: 8 });
      recorder.subscription.pause();
      const frame = new Uint8Array(64 * 1024);
      const total = 1000; // 64 MB
      let sent = 0;
      let wait: Promise<void> | undefined;
      while (sent < total && !wait) wait = publisher.send([seqChunk(sent++), frame]);
      // Asked to wait after a bounded amount, not after buffering everything.
      expect(wait).toBeInstanceOf(Promise);
      expect(sent).toBeLessThan(total / 2);
      let settled = false;
      void wait!.then(() => (settled = true));
      // Many event-loop turns, and time for any timer-driven acknowledgement, give a paused
      // subscriber every chance to (wrongly) drain.
      for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toBe(false);
      expect(recorder.frames).toHaveLength(0);
      recorder.subscription.resume();
      await wait;
      for (; sent < total; sent++) await publisher.send([seqChunk(sent), frame]);
      await recorder.received(total, 60_000);
      expect(recorder.frames.map(seqOf)).toEqual(range(0, total));
      expect(publisher.drops).toBe(0);
    }));
}

/**
 * Credit-based flow control (`grantsCredits`): a transport that implements
 * `Subscription.consumed` keeps at most `queueSize` frames outstanding for a flow-controlled
 * subscriber, however small they are. It is part of the `flowControl` capability: the SDK
 * promises that a backpressure producer waits for its consumer. Skipped without it.
 */
export function creditCases(withTransports: WithTransports, capabilities: TransportCapabilities): void {
  it.skipIf(!capabilities.flowControl)("backpressure with credits: the sender waits after queue_size small frames until the subscriber consumes", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b"]);
      const publisher = await make().publish(channel);
      const queueSize = 4;
      const recorder = await record(make(), channel, "b", { flowControl: true, grantsCredits: true, queueSize });
      let sent = 0;
      let wait: Promise<void> | undefined;
      while (sent < 1000 && !wait) wait = publisher.send([seqChunk(sent++)]);
      // 8-byte frames: only the credits, not any buffer, can have made the sender wait.
      expect(wait).toBeInstanceOf(Promise);
      expect(sent).toBe(queueSize);
      await recorder.received(queueSize);
      let settled = false;
      void wait!.then(() => (settled = true));
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      // The subscriber's program took them all: the credits come back and the sender goes on.
      recorder.subscription.consumed!(queueSize);
      await wait;
      const total = 200;
      let consumed = queueSize;
      for (; sent < total; sent++) {
        const next = publisher.send([seqChunk(sent)]);
        if (next) {
          // Outstanding never exceeds the window: consume what has arrived, then go on.
          expect(sent + 1 - consumed).toBeLessThanOrEqual(queueSize);
          await recorder.received(sent + 1);
          recorder.subscription.consumed!(sent + 1 - consumed);
          consumed = sent + 1;
          await next;
        }
      }
      await recorder.received(total);
      expect(recorder.frames.map(seqOf)).toEqual(range(0, total));
      expect(publisher.drops).toBe(0);
    }));
}
