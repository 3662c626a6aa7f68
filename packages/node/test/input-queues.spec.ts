import type { NodeEvent } from "@rivulet/core";
import { describe, expect, it } from "vitest";
import { InputQueues } from "../src/input-queues.js";

const tick = (id: string): NodeEvent => ({ type: "INPUT", id, metadata: { timestamp: 0, parameters: {} } }) as unknown as NodeEvent;

describe("InputQueues counters", () => {
  it("stats() applies a pending drop_oldest trim, so it agrees with the drops reported later", () => {
    const queues = new InputQueues();
    queues.addInput("tick", 2, "drop_oldest", false);
    for (let i = 0; i < 5; i++) queues.pushInput("tick", tick("tick"));
    // Same turn as the pushes: the scheduled trim has not run yet.
    expect(queues.stats().tick).toEqual({ received: 5, dropped: 3, discarded: 0, flushed: 0, pending: 2 });
    queues.trim();
    expect(queues.stats().tick).toEqual({ received: 5, dropped: 3, discarded: 0, flushed: 0, pending: 2 });
  });

  it("after closeIntake, messages left queued and arriving later are discarded and counted; timer ticks are not", () => {
    const queues = new InputQueues();
    queues.addInput("in", 10, "backpressure");
    queues.addInput("tick", 2, "drop_oldest", false);
    for (let i = 0; i < 3; i++) queues.pushInput("in", tick("in"));
    queues.pushInput("tick", tick("tick"));
    queues.closeIntake();
    queues.pushInput("in", tick("in"));
    for (let i = 0; i < 10; i++) queues.pushInput("tick", tick("tick"));
    expect(queues.length).toBe(0);
    expect(queues.shift()).toBeUndefined();
    expect(queues.stats()).toEqual({
      in: { received: 4, dropped: 0, discarded: 4, flushed: 0, pending: 0 },
      tick: { received: 1, dropped: 0, discarded: 0, flushed: 0, pending: 0 },
    });
  });

  it("calls onTaken for every backpressure message the program takes (flow-control credit)", () => {
    const taken: string[] = [];
    const queues = new InputQueues({ onTaken: (id) => taken.push(id) });
    queues.addInput("bp", 4, "backpressure");
    queues.addInput("drop", 4, "drop_oldest");
    queues.pushInput("bp", tick("bp"));
    queues.pushInput("drop", tick("drop"));
    queues.pushInput("bp", tick("bp"));
    while (queues.shift());
    expect(taken).toEqual(["bp", "bp"]);
  });
});
