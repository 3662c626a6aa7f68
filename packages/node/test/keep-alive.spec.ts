import { describe, expect, it } from "vitest";
import { KeepAlive } from "../src/keep-alive.js";

/** Active handles that keep the event loop alive (refed timers among them). */
const refedTimers = (): number => (process.getActiveResourcesInfo?.() ?? []).filter((r) => r === "Timeout").length;

describe("KeepAlive", () => {
  it("references its timer while held, once however many holds, and lets go at the last release", () => {
    const keepAlive = new KeepAlive();
    const before = refedTimers();
    keepAlive.hold();
    keepAlive.hold();
    expect(keepAlive.held).toBe(true);
    expect(refedTimers()).toBe(before + 1);
    keepAlive.release();
    expect(refedTimers()).toBe(before + 1);
    keepAlive.release();
    expect(keepAlive.held).toBe(false);
    expect(refedTimers()).toBe(before);
    keepAlive.dispose();
  });

  it("holds while a promise is pending, whether it resolves or rejects", async () => {
    const keepAlive = new KeepAlive();
    let resolve!: (value: number) => void;
    const work = keepAlive.holding(new Promise<number>((r) => (resolve = r)));
    expect(keepAlive.held).toBe(true);
    resolve(1);
    await expect(work).resolves.toBe(1);
    expect(keepAlive.held).toBe(false);
    await expect(keepAlive.holding(Promise.reject(new RangeError("x")))).rejects.toThrow(RangeError);
    expect(keepAlive.held).toBe(false);
    keepAlive.dispose();
  });
});
