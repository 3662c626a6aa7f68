import { afterEach, describe, expect, it, vi } from "vitest";
import { QueuedIterator } from "../src/queued-iterator.js";

function make<T>() {
  const items: T[] = [];
  const waiting: boolean[] = [];
  const iterator = new QueuedIterator<T>({ shift: () => items.shift(), get length() { return items.length; } }, (w) => waiting.push(w));
  const push = (...values: T[]): void => {
    items.push(...values);
    iterator.notify();
  };
  return { iterator, push, waiting };
}

describe("QueuedIterator", () => {
  afterEach(() => vi.useRealTimers());

  it("drains buffered items without waiting, then waits for more", async () => {
    const { iterator, push, waiting } = make<number>();
    push(1, 2);
    expect(await iterator.pull()).toBe(1);
    expect(await iterator.pull()).toBe(2);
    expect(waiting).toEqual([]);
    const next = iterator.pull();
    push(3);
    expect(await next).toBe(3);
    expect(waiting).toEqual([true, false]);
    expect(iterator.processed).toBe(3);
  });

  it("resolves null when the timeout passes", async () => {
    vi.useFakeTimers();
    const { iterator, waiting } = make<number>();
    const result = iterator.pull({ timeout: 100 });
    await vi.advanceTimersByTimeAsync(99);
    let settled = false;
    void result.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toBeNull();
    expect(waiting).toEqual([true, false]);
  });

  it("returns at once with a zero timeout", async () => {
    const { iterator } = make<number>();
    expect(await iterator.pull({ timeout: 0 })).toBeNull();
  });

  it("rejects with AbortError when the signal fires, and before waiting if already aborted", async () => {
    const { iterator } = make<number>();
    const controller = new AbortController();
    const result = iterator.pull({ signal: controller.signal });
    controller.abort(new Error("user"));
    await expect(result).rejects.toMatchObject({ name: "AbortError" });
    await expect(iterator.pull({ signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("refuses a second concurrent consumer", async () => {
    const { iterator, push } = make<number>();
    const first = iterator.pull();
    await expect(iterator.pull()).rejects.toMatchObject({ name: "ConcurrentPullError" });
    push(1);
    expect(await first).toBe(1);
  });

  it("delivers buffered items after end(), then ends for await", async () => {
    const { iterator, push } = make<number>();
    push(1, 2);
    iterator.end();
    const seen: number[] = [];
    for await (const item of iterator) seen.push(item);
    expect(seen).toEqual([1, 2]);
    expect(await iterator.pull()).toBeNull();
  });

  it("throws the failure after buffered items", async () => {
    const { iterator, push } = make<number>();
    push(1);
    iterator.fail(new TypeError("bad"));
    expect(await iterator.pull()).toBe(1);
    await expect(iterator.pull()).rejects.toThrow("bad");
  });

  it("wakes a waiting consumer on end()", async () => {
    const { iterator } = make<number>();
    const result = iterator.pull();
    iterator.end();
    expect(await result).toBeNull();
  });
});

describe("QueuedIterator waiting signal", () => {
  it("counts a for-await loop as one wait from its first step to its end or break", async () => {
    const { iterator, push, waiting } = make<number>();
    push(1, 2, 3);
    const seen: number[] = [];
    for await (const item of iterator) {
      seen.push(item);
      if (item === 3) break;
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(waiting).toEqual([true, false]);
  });

  it("stops counting when the loop ends with the iterator", async () => {
    const { iterator, push, waiting } = make<number>();
    const loop = (async () => {
      const seen: number[] = [];
      for await (const item of iterator) seen.push(item);
      return seen;
    })();
    push(1);
    await Promise.resolve();
    push(2);
    iterator.end();
    expect(await loop).toEqual([1, 2]);
    expect(waiting).toEqual([true, false]);
  });
});
