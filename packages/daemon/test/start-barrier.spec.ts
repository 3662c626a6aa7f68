import { describe, expect, it } from "vitest";
import { StartBarrier } from "../src/start-barrier.js";

describe("StartBarrier", () => {
  it("opens once every joining node still running has subscribed, exactly once", () => {
    const barrier = new StartBarrier();
    barrier.add("a", true);
    barrier.add("b", true);
    expect(barrier.check()).toBe(false);
    barrier.markRegistered("a");
    barrier.markSubscribed("a");
    expect(barrier.check()).toBe(false);
    expect(barrier.missing()).toEqual(["b"]);
    barrier.markSubscribed("b");
    expect(barrier.check()).toBe(true);
    expect(barrier.isOpen).toBe(true);
    expect(barrier.check()).toBe(false);
  });

  it("does not wait for a plain node (no inputs, no outputs) that never registers", () => {
    const barrier = new StartBarrier();
    barrier.add("a", true);
    barrier.add("plain", false);
    barrier.markSubscribed("a");
    expect(barrier.missing()).toEqual([]);
    expect(barrier.check()).toBe(true);
  });

  it("opens at once for a dataflow of plain nodes only", () => {
    const barrier = new StartBarrier();
    barrier.add("p1", false);
    barrier.add("p2", false);
    expect(barrier.check()).toBe(true);
  });

  it("stops waiting for a joining node that exited, but does not open when every joining node has exited", () => {
    const barrier = new StartBarrier();
    barrier.add("a", true);
    barrier.add("b", true);
    barrier.markSubscribed("a");
    barrier.markExited("b");
    expect(barrier.check()).toBe(true);

    const empty = new StartBarrier();
    empty.add("a", true);
    empty.markExited("a");
    expect(empty.check()).toBe(false);
  });

  it("never opens once cancelled (the run is stopping)", () => {
    const barrier = new StartBarrier();
    barrier.add("a", true);
    barrier.cancel();
    barrier.markSubscribed("a");
    expect(barrier.check()).toBe(false);
  });

  it("knows which nodes can receive STOP (registered) and which join", () => {
    const barrier = new StartBarrier();
    barrier.add("a", true);
    barrier.add("plain", false);
    expect(barrier.registered("a")).toBe(false);
    barrier.markRegistered("a");
    expect(barrier.registered("a")).toBe(true);
    expect(barrier.joins("a")).toBe(true);
    expect(barrier.joins("plain")).toBe(false);
    expect(barrier.joins("unknown")).toBe(false);
  });

  it("knows which nodes subscribed; unknown ids are neither registered nor subscribed", () => {
    const barrier = new StartBarrier();
    barrier.add("a", true);
    expect(barrier.subscribed("a")).toBe(false);
    barrier.markSubscribed("a");
    expect(barrier.subscribed("a")).toBe(true);
    expect(barrier.registered("a")).toBe(false);
    expect(barrier.subscribed("ghost")).toBe(false);
    expect(barrier.registered("ghost")).toBe(false);
  });

  it("ignores news about a node it does not have", () => {
    const barrier = new StartBarrier();
    barrier.add("a", true);
    barrier.markRegistered("ghost");
    barrier.markSubscribed("ghost");
    barrier.markExited("ghost");
    expect(barrier.missing()).toEqual(["a"]);
    expect(barrier.check()).toBe(false);
  });
});
