import { afterEach, describe, expect, it, vi } from "vitest";
import { QueuedIterator } from "../src/queued-iterator.js";

// The edges the main spec leaves open (found by mutation testing): counters, a notify with
// nothing to hand over, the first failure winning, and waits that are settled once only
// (a timer or an abort listener left behind must not touch the next wait).
function make<T>() {
  const items: T[] = [];
  const waiting: boolean[] = [];
  const iterator = new QueuedIterator<T>({ shift: () => items.shift(), get length() { return items.length; } }, (w) => waiting.push(w));
  const push = (...values: T[]): void => {
    items.push(...values);
    iterator.notify();
  };
  return { iterator, items, push, waiting };
}

/** Whether `promise` has settled once every queued microtask has run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe("QueuedIterator edges", () => {
  afterEach(() => vi.useRealTimers());

  it("counts pending and processed items and reports when it has ended", async () => {
    const { iterator, items } = make<number>();
    items.push(1, 2, 3);
    expect([iterator.pending, iterator.processed, iterator.ended]).toEqual([3, 0, false]);
    await iterator.pull();
    expect([iterator.pending, iterator.processed]).toEqual([2, 1]);
    await iterator.next();
    expect([iterator.pending, iterator.processed]).toEqual([1, 2]);
    iterator.end();
    expect(iterator.ended).toBe(true);
    expect(await iterator.pull()).toBe(3);
    expect(iterator.processed).toBe(3);
  });

  it("keeps a consumer waiting when notified with nothing to hand over", async () => {
    const { iterator, push } = make<number>();
    const result = iterator.pull();
    iterator.notify();
    expect(await settled(result)).toBe(false);
    push(7);
    expect(await result).toBe(7);
  });

  it("a notify without a waiting consumer leaves the item for the next pull", async () => {
    const { iterator, push } = make<number>();
    push(1);
    expect(iterator.pending).toBe(1);
    expect(await iterator.pull()).toBe(1);
  });

  it("the first failure wins, and it reaches a waiting consumer, a later pull and a for-await loop", async () => {
    const { iterator, waiting } = make<number>();
    const result = iterator.pull();
    iterator.fail(new TypeError("first"));
    iterator.fail(new RangeError("second"));
    await expect(result).rejects.toMatchObject({ name: "TypeError" });
    await expect(iterator.pull()).rejects.toMatchObject({ name: "TypeError" });
    await expect(iterator.next()).rejects.toMatchObject({ name: "TypeError" });
    expect(waiting.at(-1)).toBe(false);
  });

  it("a for-await loop waiting when the iterator fails throws and stops counting as waiting", async () => {
    const { iterator, waiting } = make<number>();
    const loop = (async () => {
      for await (const _ of iterator) {
        // nothing arrives
      }
    })();
    await settled(loop);
    expect(waiting).toEqual([true]);
    iterator.fail(new TypeError("gone"));
    await expect(loop).rejects.toMatchObject({ name: "TypeError" });
    expect(waiting).toEqual([true, false]);
  });

  it("a for-await loop waiting when the iterator ends finishes and stops counting as waiting", async () => {
    const { iterator, waiting } = make<number>();
    const loop = (async () => {
      const seen: number[] = [];
      for await (const item of iterator) seen.push(item);
      return seen;
    })();
    await settled(loop);
    expect(waiting).toEqual([true]);
    iterator.end();
    expect(await loop).toEqual([]);
    expect(waiting).toEqual([true, false]);
  });

  it("a negative timeout returns null at once", async () => {
    const { iterator } = make<number>();
    expect(await iterator.pull({ timeout: -5 })).toBeNull();
  });

  it("a timeout that was beaten by an item does not end the next wait", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { iterator, push, waiting } = make<number>();
    const first = iterator.pull({ timeout: 100 });
    push(1);
    expect(await first).toBe(1);
    const second = iterator.pull();
    await vi.advanceTimersByTimeAsync(200);
    expect(await settled(second)).toBe(false);
    push(2);
    expect(await second).toBe(2);
    expect(waiting).toEqual([true, false, true, false]);
  });

  it("an abort after the wait was satisfied does not reject the next wait", async () => {
    const { iterator, push } = make<number>();
    const controller = new AbortController();
    const first = iterator.pull({ signal: controller.signal });
    push(1);
    expect(await first).toBe(1);
    const second = iterator.pull();
    controller.abort();
    expect(await settled(second)).toBe(false);
    push(2);
    expect(await second).toBe(2);
  });

  it("an aborted wait frees the iterator for the next consumer and stops counting as waiting", async () => {
    const { iterator, push, waiting } = make<number>();
    const controller = new AbortController();
    const first = iterator.pull({ signal: controller.signal });
    controller.abort();
    await expect(first).rejects.toMatchObject({ name: "AbortError" });
    expect(waiting).toEqual([true, false]);
    const second = iterator.pull();
    push(3);
    expect(await second).toBe(3);
  });

  it("a timed-out wait frees the iterator for the next consumer", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { iterator, push } = make<number>();
    const first = iterator.pull({ timeout: 10 });
    await vi.advanceTimersByTimeAsync(10);
    expect(await first).toBeNull();
    const second = iterator.pull();
    push(4);
    expect(await second).toBe(4);
  });

  it("refuses next() while a pull is waiting", async () => {
    const { iterator, push } = make<number>();
    const first = iterator.pull();
    await expect(iterator.next()).rejects.toMatchObject({ name: "ConcurrentPullError" });
    push(1);
    expect(await first).toBe(1);
  });

  it("return() ends the loop's waiting once, and a second return() does not count again", async () => {
    const { iterator, push, waiting } = make<number>();
    push(1);
    await iterator.next();
    expect(waiting).toEqual([true]);
    expect(await iterator.return()).toEqual({ done: true, value: undefined });
    await iterator.return();
    expect(waiting).toEqual([true, false]);
  });

  it("next() on an ended iterator reports done without counting as waiting", async () => {
    const { iterator, waiting } = make<number>();
    iterator.end();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(waiting).toEqual([]);
  });
});
