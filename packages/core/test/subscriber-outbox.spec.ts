import { afterEach, describe, expect, it, vi } from "vitest";
import { SubscriberOutbox } from "../src/subscriber-outbox.js";

/** A sink that takes frames until `room` is used up; the test plays the subscriber. */
function fakeSink(room: number) {
  const written: number[] = [];
  const sink = {
    pendingBytes: 0,
    get writable() {
      return sink.pendingBytes < room;
    },
    write(frame: number) {
      written.push(frame);
      sink.pendingBytes += 1;
    },
  };
  /** The subscriber reads `n` frames' worth (all when omitted). */
  const read = (n = sink.pendingBytes): void => {
    sink.pendingBytes -= n;
  };
  return { sink, written, read };
}

/** Fake timeouts only: the stall check's turns of the event loop (setImmediate) stay real. */
const fakeTimeouts = (): void => void vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

function make(flowControl = false, capacity = 3) {
  const fake = fakeSink(2);
  const outbox = new SubscriberOutbox<number>({ sink: fake.sink, capacity, flowControl, stallMs: 100, sizeOf: () => 10 });
  return { ...fake, outbox };
}

describe("SubscriberOutbox", () => {
  afterEach(() => vi.useRealTimers());

  it("writes while the sink has room, then queues, and asks the sender to wait when the queue is full", () => {
    const { outbox, written } = make();
    expect([0, 1].map((i) => outbox.offer(i))).toEqual([undefined, undefined]);
    expect(outbox.offer(2)).toBeUndefined();
    expect(outbox.offer(3)).toBeUndefined();
    expect(outbox.offer(4)).toBeInstanceOf(Promise);
    expect(written).toEqual([0, 1]);
    expect(outbox.queuedBytes).toBe(30);
    expect(outbox.drops).toBe(0);
  });

  it("wakes the waiting sender at the drain and hands the queue over in order, losing nothing", async () => {
    const { outbox, written, read } = make();
    for (let i = 0; i < 4; i++) outbox.offer(i);
    const wait = outbox.offer(4)!;
    read();
    outbox.drained();
    await wait;
    expect(written).toEqual([0, 1, 2, 3]);
    expect(outbox.drops).toBe(0);
  });

  it("stalls a subscriber that takes nothing for stallMs, then drops its oldest without waiting", async () => {
    fakeTimeouts();
    const { outbox, written, read } = make();
    for (let i = 0; i < 4; i++) outbox.offer(i);
    const wait = outbox.offer(4)!;
    await vi.advanceTimersByTimeAsync(100);
    await turns(2); // the two turns of the event loop that confirm the stall
    await wait;
    expect(outbox.stalled).toBe(true);
    for (let i = 5; i < 10; i++) expect(outbox.offer(i)).toBeUndefined();
    expect(outbox.drops).toBe(5);
    read();
    outbox.drained();
    read();
    outbox.drained();
    expect(written).toEqual([0, 1, 7, 8, 9]);
    expect(outbox.stalled).toBe(false);
    expect(outbox.queuedBytes).toBe(0);
  });

  it("keeps waiting, without dropping, for a subscriber that is reading slowly", async () => {
    fakeTimeouts();
    const { outbox, read } = make();
    for (let i = 0; i < 4; i++) outbox.offer(i);
    let settled = false;
    void outbox.offer(4)!.then(() => (settled = true));
    read(1); // progress, but no drain yet
    await vi.advanceTimersByTimeAsync(100);
    await turns(2);
    expect(settled).toBe(false);
    expect(outbox.stalled).toBe(false);
    await vi.advanceTimersByTimeAsync(100); // no progress this time
    await turns(2);
    expect(settled).toBe(true);
    expect(outbox.drops).toBe(0);
  });

  it("with flow control writes everything, never drops, and waits while the sink is over its watermark", async () => {
    const { outbox, written, read } = make(true);
    const waits = [0, 1, 2, 3, 4].map((i) => outbox.offer(i));
    expect(waits.map((w) => w instanceof Promise)).toEqual([false, true, true, true, true]);
    expect(written).toEqual([0, 1, 2, 3, 4]);
    read();
    outbox.drained();
    await Promise.all(waits);
    expect(outbox.drops).toBe(0);
  });

  it("rejects a wait with AbortError when its signal fires, and flushes or discards on close", async () => {
    const { outbox, written } = make();
    for (let i = 0; i < 4; i++) outbox.offer(i);
    const controller = new AbortController();
    const wait = outbox.offer(4, controller.signal)!;
    controller.abort();
    await expect(wait).rejects.toMatchObject({ name: "AbortError" });
    outbox.close(true);
    expect(written).toEqual([0, 1, 2, 3, 4]);
    expect(outbox.offer(5)).toBeUndefined();
    expect(written).toHaveLength(5);
  });

  describe("credit-based flow control", () => {
    function credited(credits: number) {
      const fake = fakeSink(1_000);
      const outbox = new SubscriberOutbox<number>({ sink: fake.sink, capacity: credits, flowControl: true, credits, sizeOf: () => 10 });
      return { ...fake, outbox };
    }

    it("asks the sender to wait once the credits are used, though the sink has room, and wakes it on grant", async () => {
      const { outbox, written } = credited(2);
      expect(outbox.offer(0)).toBeUndefined();
      const wait = outbox.offer(1);
      expect(wait).toBeInstanceOf(Promise);
      expect(outbox.credits).toBe(0);
      let woke = false;
      void wait!.then(() => (woke = true));
      await turns(3);
      expect(woke).toBe(false);
      outbox.grant(1);
      await wait;
      expect(outbox.offer(2)).toBeInstanceOf(Promise);
      expect(written).toEqual([0, 1, 2]);
    });

    it("keeps frames offered without credit, writes them as credit returns, and counts those left when the subscriber goes", () => {
      const { outbox, written } = credited(1);
      void outbox.offer(0);
      void outbox.offer(1);
      void outbox.offer(2);
      void outbox.offer(3);
      expect(written).toEqual([0]);
      expect(outbox.queuedBytes).toBe(30);
      outbox.grant(2);
      expect(written).toEqual([0, 1, 2]);
      expect(outbox.offer(4)).toBeInstanceOf(Promise);
      outbox.close(false);
      expect(outbox.drops).toBe(2);
      outbox.grant(5); // after close: ignored
      expect(written).toEqual([0, 1, 2]);
    });

    it("ignores grants of no credits, negative or not a number; counts queued bytes down as credit writes; says whether a send waits", () => {
      const { outbox, written } = credited(1);
      void outbox.offer(0);
      const wait = outbox.offer(1);
      expect(outbox.waiting).toBe(true);
      for (const count of [0, -3, Number.NaN]) outbox.grant(count);
      expect(outbox.credits).toBe(0);
      expect(written).toEqual([0]);
      expect(outbox.queuedBytes).toBe(10);
      outbox.grant(1);
      expect(written).toEqual([0, 1]);
      expect(outbox.queuedBytes).toBe(0);
      expect(outbox.credits).toBe(0);
      expect(outbox.waiting).toBe(true); // written, but no credit is free yet
      outbox.grant(1);
      return wait!.then(() => expect(outbox.waiting).toBe(false));
    });

    it("a clean close delivers frames still waiting for credit", () => {
      const { outbox, written } = credited(1);
      void outbox.offer(0);
      void outbox.offer(1);
      outbox.close(true);
      expect(written).toEqual([0, 1]);
      expect(outbox.drops).toBe(0);
    });
  });
});
