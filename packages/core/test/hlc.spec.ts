import { describe, expect, it } from "vitest";
import { HybridClock, wallClockMicros } from "../src/hlc.js";

describe("HybridClock", () => {
  it("is strictly increasing even when the wall clock stands still or goes back", () => {
    let wall = 1000;
    const clock = new HybridClock(() => wall);
    const a = clock.now();
    const b = clock.now();
    wall = 500;
    const c = clock.now();
    expect([a, b, c]).toEqual([1000, 1001, 1002]);
  });

  it("orders after a received timestamp from a clock that runs ahead", () => {
    const clock = new HybridClock(() => 1000);
    clock.update(5000);
    expect(clock.now()).toBe(5001);
  });

  it("tracks wall time in microseconds by default", () => {
    const now = new HybridClock().now();
    expect(Math.abs(now / 1000 - Date.now())).toBeLessThan(1000);
  });

  it("the wall clock is in integer microseconds (exact in JSON) and never goes back", () => {
    const a = wallClockMicros();
    const b = wallClockMicros();
    expect(Number.isInteger(a)).toBe(true);
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a / 1000 - Date.now())).toBeLessThan(1000);
  });

  it("a received timestamp behind the clock changes nothing", () => {
    const clock = new HybridClock(() => 1000);
    expect(clock.now()).toBe(1000);
    clock.update(999);
    clock.update(1000);
    expect(clock.now()).toBe(1001);
  });
});
