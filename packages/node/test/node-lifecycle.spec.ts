import { describe, expect, it } from "vitest";
import { NodeLifecycle } from "../src/node-lifecycle.js";

describe("NodeLifecycle", () => {
  it("starting: sends wait; the barrier opens to running, where they go out", async () => {
    const life = new NodeLifecycle();
    expect([life.state, life.sendRule()]).toEqual(["starting", "wait"]);
    life.opened();
    await life.settled;
    expect([life.state, life.sendRule(), life.signal.aborted]).toEqual(["running", "send", false]);
  });

  it("STOP after the barrier: stopped, signal aborted, sends discarded; close() keeps stopped", () => {
    const life = new NodeLifecycle();
    life.opened();
    life.stop("manual");
    expect([life.state, life.sendRule(), life.signal.aborted]).toEqual(["stopped", "discard", true]);
    life.closing();
    life.closed();
    expect(life.state).toBe("stopped");
  });

  it("STOP before the barrier: aborted, sends refused (NodeStoppedError), settled", async () => {
    const life = new NodeLifecycle();
    life.stop("daemon-lost");
    await life.settled;
    expect([life.state, life.sendRule()]).toEqual(["aborted", "refuse"]);
  });

  it("all inputs closed: finished, signal not aborted, sends go out, a later STOP changes nothing", () => {
    const life = new NodeLifecycle();
    life.opened();
    life.stop("all-inputs-closed");
    life.stop("manual");
    expect([life.state, life.sendRule(), life.signal.aborted]).toEqual(["finished", "send", false]);
  });

  it("a failure to join: failed with the reason, sends wait (and then get the reason)", async () => {
    const life = new NodeLifecycle();
    const error = new Error("refused");
    life.fail(error);
    await life.settled;
    expect([life.state, life.sendRule(), life.failure]).toEqual(["failed", "wait", error]);
  });

  it("close from running: closing, then closed, with the signal aborted", () => {
    const life = new NodeLifecycle();
    life.opened();
    life.closing();
    expect([life.state, life.signal.aborted]).toEqual(["closing", true]);
    life.stop("manual");
    life.closed();
    expect(life.state).toBe("closed");
  });
});
