import type { TimerInput } from "@rivulet/descriptor";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TimerScheduler } from "../src/timer-scheduler.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const timer = (consumer: string, input: string, periodMs: number): TimerInput =>
  ({ consumer, input, timer: { periodNs: periodMs * 1e6 } }) as unknown as TimerInput;

describe("TimerScheduler", () => {
  it("ticks each period, one message per consumer naming all its inputs of that period", () => {
    const ticks: [string, string[]][] = [];
    const scheduler = new TimerScheduler([timer("a", "fast", 10), timer("a", "fast2", 10), timer("b", "slow", 25)], (consumer, inputs) => ticks.push([consumer, inputs]));
    scheduler.start();
    vi.advanceTimersByTime(50);
    expect(ticks.filter(([c]) => c === "a")).toEqual(Array.from({ length: 5 }, () => ["a", ["fast", "fast2"]]));
    expect(ticks.filter(([c]) => c === "b")).toEqual([
      ["b", ["slow"]],
      ["b", ["slow"]],
    ]);
    scheduler.stop();
  });

  it("sends nothing before start() and nothing after stop()", () => {
    const ticks: string[] = [];
    const scheduler = new TimerScheduler([timer("a", "t", 10)], (consumer) => ticks.push(consumer));
    vi.advanceTimersByTime(100);
    expect(ticks).toEqual([]);
    scheduler.start();
    vi.advanceTimersByTime(30);
    scheduler.stop();
    vi.advanceTimersByTime(100);
    expect(ticks).toHaveLength(3);
  });

  it("stops ticking a consumer that exited, and keeps ticking the others", () => {
    const ticks: string[] = [];
    const scheduler = new TimerScheduler([timer("a", "t", 10), timer("b", "t", 10)], (consumer) => ticks.push(consumer));
    scheduler.start();
    vi.advanceTimersByTime(10);
    scheduler.forget("a");
    vi.advanceTimersByTime(20);
    expect(ticks).toEqual(["a", "b", "b", "b"]);
    scheduler.stop();
  });

  it("ticks a sub-millisecond period every millisecond, with microsecond timestamps", () => {
    const stamps: number[] = [];
    const scheduler = new TimerScheduler([timer("a", "t", 0.1)], (_consumer, _inputs, timestamp) => stamps.push(timestamp));
    scheduler.start();
    vi.advanceTimersByTime(5);
    scheduler.stop();
    expect(stamps).toHaveLength(5);
    expect(stamps.every((s) => Number.isInteger(s) && s > 1e15)).toBe(true);
  });
});
