import type { NodeEvent } from "@rivulet/core";
import { describe, expect, it } from "vitest";
import { InputQueues } from "../src/input-queues.js";

/** An input event numbered `n` on input `id` (the queues only look at what they are given). */
const input = (id: string, n = 0): NodeEvent => ({ type: "INPUT", id, n, metadata: { timestamp: 0, parameters: {} } }) as unknown as NodeEvent;
const control = (type: string): NodeEvent => ({ type }) as unknown as NodeEvent;
const label = (e: NodeEvent | undefined) => (e === undefined ? undefined : e.type === "INPUT" ? `${e.id}${(e as unknown as { n: number }).n}` : e.type);
const drain = (queues: InputQueues): (string | undefined)[] => {
  const out: (string | undefined)[] = [];
  for (let e = queues.shift(); e !== undefined; e = queues.shift()) out.push(label(e));
  return out;
};
/** One turn of the event loop: the scheduled drop_oldest trim runs in it. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("InputQueues order and bounds", () => {
  it("hands out input and control events in arrival order, across inputs", () => {
    const queues = new InputQueues();
    queues.addInput("a", 10, "drop_oldest");
    queues.addInput("b", 10, "backpressure");
    queues.pushInput("b", input("b", 1));
    queues.pushControl(control("INPUT_CLOSED"));
    queues.pushInput("a", input("a", 2));
    queues.pushInput("b", input("b", 3));
    queues.pushControl(control("STOP"));
    queues.pushInput("a", input("a", 4));
    expect(queues.length).toBe(6);
    expect(drain(queues)).toEqual(["b1", "INPUT_CLOSED", "a2", "b3", "STOP", "a4"]);
    expect(queues.length).toBe(0);
    expect(queues.shift()).toBeUndefined();
  });

  it("ignores messages for an input it does not have", () => {
    const queues = new InputQueues();
    queues.addInput("a", 2, "drop_oldest");
    queues.pushInput("ghost", input("ghost"));
    queues.discard("ghost");
    expect(queues.length).toBe(0);
    expect(queues.stats()).toEqual({ a: { received: 0, dropped: 0, discarded: 0, flushed: 0, pending: 0 } });
  });

  it("drop_oldest: at the end of the turn an over-full input keeps its newest queue_size, other inputs untouched", async () => {
    const queues = new InputQueues();
    queues.addInput("fast", 2, "drop_oldest");
    queues.addInput("other", 2, "drop_oldest");
    queues.pushInput("other", input("other", 0));
    for (let i = 1; i <= 5; i++) queues.pushInput("fast", input("fast", i));
    // Within the turn the queue may overrun (the consumer gets its chance to drain first).
    expect(queues.length).toBe(6);
    await nextTurn();
    expect(queues.length).toBe(3);
    expect(queues.stats()).toEqual({
      fast: { received: 5, dropped: 3, discarded: 0, flushed: 0, pending: 2 },
      other: { received: 1, dropped: 0, discarded: 0, flushed: 0, pending: 1 },
    });
    expect(drain(queues)).toEqual(["other0", "fast4", "fast5"]);
  });

  it("drop_oldest: a queue exactly full is not trimmed, and a trim after draining drops nothing", async () => {
    const queues = new InputQueues();
    queues.addInput("a", 3, "drop_oldest");
    for (let i = 1; i <= 3; i++) queues.pushInput("a", input("a", i));
    await nextTurn();
    expect(queues.stats().a).toEqual({ received: 3, dropped: 0, discarded: 0, flushed: 0, pending: 3 });
    for (let i = 4; i <= 5; i++) queues.pushInput("a", input("a", i));
    // Drained within the same turn: the scheduled trim finds nothing to drop.
    expect(drain(queues)).toEqual(["a1", "a2", "a3", "a4", "a5"]);
    await nextTurn();
    expect(queues.stats().a).toEqual({ received: 5, dropped: 0, discarded: 0, flushed: 0, pending: 0 });
    // A later overrun is trimmed again (the trim is scheduled anew).
    for (let i = 6; i <= 10; i++) queues.pushInput("a", input("a", i));
    await nextTurn();
    expect(drain(queues)).toEqual(["a8", "a9", "a10"]);
    expect(queues.stats().a.dropped).toBe(2);
  });

  it("backpressure: onFull when the queue reaches queue_size, onSpace when the program takes one from a full queue; never drops", async () => {
    const calls: string[] = [];
    const queues = new InputQueues({ onFull: (id) => calls.push(`full:${id}`), onSpace: (id) => calls.push(`space:${id}`), onTaken: (id) => calls.push(`taken:${id}`) });
    queues.addInput("bp", 2, "backpressure");
    queues.pushInput("bp", input("bp", 1));
    expect(calls).toEqual([]);
    queues.pushInput("bp", input("bp", 2));
    expect(calls).toEqual(["full:bp"]);
    await nextTurn();
    expect(queues.stats().bp).toEqual({ received: 2, dropped: 0, discarded: 0, flushed: 0, pending: 2 });
    expect(label(queues.shift())).toBe("bp1");
    expect(calls).toEqual(["full:bp", "taken:bp", "space:bp"]);
    expect(label(queues.shift())).toBe("bp2");
    // Taking from a queue that was not full says nothing about space.
    expect(calls).toEqual(["full:bp", "taken:bp", "space:bp", "taken:bp"]);
  });

  it("closeIntake counts what is still queued as discarded once, however often it is called", () => {
    const queues = new InputQueues();
    queues.addInput("a", 5, "drop_oldest");
    queues.addInput("b", 5, "backpressure");
    queues.pushInput("a", input("a", 1));
    queues.pushInput("a", input("a", 2));
    queues.pushInput("b", input("b", 3));
    queues.pushControl(control("STOP"));
    queues.closeIntake();
    queues.closeIntake();
    // Control events stay: the program still gets STOP.
    expect(queues.length).toBe(1);
    expect(drain(queues)).toEqual(["STOP"]);
    expect(queues.stats()).toEqual({
      a: { received: 2, dropped: 0, discarded: 2, flushed: 0, pending: 0 },
      b: { received: 1, dropped: 0, discarded: 1, flushed: 0, pending: 0 },
    });
  });

  it("closeIntake applies a pending drop_oldest trim first: dropped and discarded do not overlap", () => {
    const queues = new InputQueues();
    queues.addInput("a", 2, "drop_oldest");
    for (let i = 1; i <= 5; i++) queues.pushInput("a", input("a", i));
    queues.closeIntake();
    expect(queues.stats().a).toEqual({ received: 5, dropped: 3, discarded: 2, flushed: 0, pending: 0 });
  });

  it("backpressure never drops, even over its capacity while a drop_oldest input is trimmed in the same turn", async () => {
    const queues = new InputQueues();
    queues.addInput("bp", 2, "backpressure");
    queues.addInput("drop", 1, "drop_oldest");
    // A subscription paused late may still hand over what it had read: more than queue_size.
    for (let i = 1; i <= 4; i++) queues.pushInput("bp", input("bp", i));
    queues.pushInput("drop", input("drop", 5));
    queues.pushInput("drop", input("drop", 6));
    await nextTurn();
    expect(queues.stats()).toEqual({
      bp: { received: 4, dropped: 0, discarded: 0, flushed: 0, pending: 4 },
      drop: { received: 2, dropped: 1, discarded: 0, flushed: 0, pending: 1 },
    });
    expect(drain(queues)).toEqual(["bp1", "bp2", "bp3", "bp4", "drop6"]);
  });

  it("works without hooks: a full backpressure input and taking from it call nothing", () => {
    const queues = new InputQueues();
    queues.addInput("bp", 1, "backpressure");
    queues.pushInput("bp", input("bp", 1));
    expect(label(queues.shift())).toBe("bp1");
    expect(queues.length).toBe(0);
  });
});
