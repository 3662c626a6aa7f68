import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StopEscalation } from "../src/stop-escalation.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("StopEscalation", () => {
  it("STOP, then SIGTERM after the grace, then SIGKILL after another grace", () => {
    const fired: string[] = [];
    const escalation = new StopEscalation(10_000, (signal) => fired.push(signal));
    escalation.start();
    vi.advanceTimersByTime(9_999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["SIGTERM"]);
    vi.advanceTimersByTime(9_999);
    expect(fired).toEqual(["SIGTERM"]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["SIGTERM", "SIGKILL"]);
    vi.advanceTimersByTime(60_000);
    expect(fired).toEqual(["SIGTERM", "SIGKILL"]);
  });

  it("skip() (a second Ctrl-C) kills at once and nothing fires afterwards", () => {
    const fired: string[] = [];
    const escalation = new StopEscalation(10_000, (signal) => fired.push(signal));
    escalation.start();
    vi.advanceTimersByTime(2_000);
    escalation.skip();
    expect(fired).toEqual(["SIGKILL"]);
    vi.advanceTimersByTime(60_000);
    expect(fired).toEqual(["SIGKILL"]);
  });

  it("cancel() (every node exited) stops the escalation", () => {
    const fired: string[] = [];
    const escalation = new StopEscalation(300, (signal) => fired.push(signal));
    escalation.start();
    vi.advanceTimersByTime(300);
    escalation.cancel();
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual(["SIGTERM"]);
  });

  it("a second start() does not restart the grace", () => {
    const fired: string[] = [];
    const escalation = new StopEscalation(1_000, (signal) => fired.push(signal));
    escalation.start();
    vi.advanceTimersByTime(600);
    escalation.start();
    vi.advanceTimersByTime(400);
    expect(fired).toEqual(["SIGTERM"]);
  });
});
