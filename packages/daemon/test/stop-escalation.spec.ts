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

  it("each signal fires at most once: skip() twice, or skip() before or after start(), kills once", () => {
    const fired: string[] = [];
    const escalation = new StopEscalation(1_000, (signal) => fired.push(signal));
    escalation.skip();
    escalation.skip();
    escalation.start();
    vi.advanceTimersByTime(5_000);
    expect(fired).toEqual(["SIGKILL"]);
  });

  it("after SIGTERM fired, skip() still kills, once", () => {
    const fired: string[] = [];
    const escalation = new StopEscalation(1_000, (signal) => fired.push(signal));
    escalation.start();
    vi.advanceTimersByTime(1_000);
    escalation.skip();
    escalation.skip();
    vi.advanceTimersByTime(5_000);
    expect(fired).toEqual(["SIGTERM", "SIGKILL"]);
  });

  it("uses the clock it is given", () => {
    const scheduled: number[] = [];
    const callbacks: (() => void)[] = [];
    const cleared: unknown[] = [];
    const clock = {
      setTimeout: (callback: () => void, ms: number) => (scheduled.push(ms), callbacks.push(callback), callbacks.length as unknown as NodeJS.Timeout),
      clearTimeout: (timer: NodeJS.Timeout) => void cleared.push(timer),
    };
    const fired: string[] = [];
    const escalation = new StopEscalation(250, (signal) => fired.push(signal), clock);
    escalation.start();
    expect(scheduled).toEqual([250, 500]);
    callbacks[0]!();
    expect(fired).toEqual(["SIGTERM"]);
    escalation.cancel();
    expect(cleared).toEqual([1, 2]);
  });

  it("start() after cancel() once SIGTERM fired does not begin again (no second grace, no SIGKILL)", () => {
    const fired: string[] = [];
    const escalation = new StopEscalation(1_000, (signal) => fired.push(signal));
    escalation.start();
    vi.advanceTimersByTime(1_000);
    escalation.cancel();
    escalation.start();
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual(["SIGTERM"]);
  });
});
