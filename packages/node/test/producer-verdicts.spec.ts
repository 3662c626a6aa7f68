import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProducerVerdicts } from "../src/producer-verdicts.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("ProducerVerdicts", () => {
  it("a broken input waits for the daemon's word and closes when it comes, without the timeout", () => {
    const verdicts = new ProducerVerdicts(3000);
    const timedOut: string[] = [];
    verdicts.wait("in", () => timedOut.push("in"));
    vi.advanceTimersByTime(2999);
    expect(verdicts.end("in")).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(timedOut).toEqual([]);
    expect(verdicts.hasEnded("in")).toBe(true);
  });

  it("without word, gives up after the bound", () => {
    const verdicts = new ProducerVerdicts(3000);
    const timedOut: string[] = [];
    verdicts.wait("in", () => timedOut.push("in"));
    vi.advanceTimersByTime(3000);
    expect(timedOut).toEqual(["in"]);
    expect(verdicts.end("in")).toBe(false);
  });

  it("word before the break is remembered; clear() cancels every wait", () => {
    const verdicts = new ProducerVerdicts(3000);
    expect(verdicts.end("a")).toBe(false);
    expect(verdicts.hasEnded("a")).toBe(true);
    const timedOut: string[] = [];
    verdicts.wait("b", () => timedOut.push("b"));
    verdicts.clear();
    vi.advanceTimersByTime(10_000);
    expect(timedOut).toEqual([]);
  });
});
