import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { waitFor } from "../src/wait-for.js";

/** Waits for `event` on `emitter` the way every wait in Rivulet does. */
function once(emitter: EventEmitter, event: string, options: Parameters<typeof waitFor<string>>[1] = {}): Promise<string> {
  return waitFor<string>((resolve) => {
    const on = (value: string): void => resolve(value);
    emitter.on(event, on);
    return () => emitter.off(event, on);
  }, options);
}

describe("waitFor", () => {
  afterEach(() => vi.useRealTimers());

  it("resolves with the event and removes its listeners", async () => {
    const emitter = new EventEmitter();
    const signal = new AbortController().signal;
    const waiting = once(emitter, "x", { signal, timeout: { ms: 10_000, value: "late" } });
    emitter.emit("x", "hello");
    expect(await waiting).toBe("hello");
    expect(emitter.listenerCount("x")).toBe(0);
  });

  it("rejects with AbortError (the reason as cause) when the signal fires, and removes its listeners", async () => {
    const emitter = new EventEmitter();
    const controller = new AbortController();
    const waiting = once(emitter, "x", { signal: controller.signal });
    controller.abort("bye");
    await expect(waiting).rejects.toMatchObject({ name: "AbortError", cause: "bye" });
    expect(emitter.listenerCount("x")).toBe(0);
    await expect(once(emitter, "x", { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(emitter.listenerCount("x")).toBe(0);
  });

  it("resolves with the timeout's value when it passes first", async () => {
    vi.useFakeTimers();
    const emitter = new EventEmitter();
    const waiting = once(emitter, "x", { timeout: { ms: 50, value: "timeout" } });
    await vi.advanceTimersByTimeAsync(50);
    expect(await waiting).toBe("timeout");
    expect(emitter.listenerCount("x")).toBe(0);
  });

  it("runs the cleanup of a wait settled synchronously by its start", async () => {
    const cleanup = vi.fn();
    await expect(
      waitFor<number>((resolve) => {
        resolve(1);
        return cleanup;
      }),
    ).resolves.toBe(1);
    expect(cleanup).toHaveBeenCalledTimes(1);
  });
});
