import { afterEach, describe, expect, it, vi } from "vitest";
import { mapConcurrent } from "../../src/io/map-concurrent.js";
import { collect, controlledCalls, countingSource, deferred, settle } from "./map-kit.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("mapConcurrent", () => {
  it("yields results in input order by default: a slow item holds the later ones", async () => {
    const { fn, calls } = controlledCalls<string>();
    const results = collect(mapConcurrent([1, 2, 3, 4], fn, { concurrency: 4 }));
    await settle();
    expect([...calls.keys()]).toEqual([1, 2, 3, 4]);
    for (const item of [4, 3, 2, 1]) {
      calls.get(item)!.resolve(`r${item}`);
      await settle();
    }
    expect(await results).toEqual(["r1", "r2", "r3", "r4"]);
  });

  it("with ordered: false yields each result as its call finishes", async () => {
    const { fn, calls } = controlledCalls<string>();
    const seen: string[] = [];
    const done = (async () => {
      for await (const result of mapConcurrent([1, 2, 3], fn, { concurrency: 3, ordered: false })) seen.push(result);
    })();
    await settle();
    calls.get(3)!.resolve("r3");
    await settle();
    expect(seen).toEqual(["r3"]);
    calls.get(1)!.resolve("r1");
    calls.get(2)!.resolve("r2");
    await done;
    expect(seen).toEqual(["r3", "r1", "r2"]);
  });

  it("never runs more than `concurrency` calls at once, and starts the next as one finishes", async () => {
    const { fn, calls, peak, running } = controlledCalls<number>();
    const map = mapConcurrent([1, 2, 3, 4, 5, 6, 7], fn, { concurrency: 3, ordered: false });
    const results = collect(map);
    await settle();
    expect(running()).toBe(3);
    expect(map.stats()).toMatchObject({ started: 3, inFlight: 3 });
    calls.get(2)!.resolve(2);
    await settle();
    expect([...calls.keys()]).toEqual([1, 2, 3, 4]);
    for (const item of [1, 3, 4, 5, 6, 7]) {
      await settle();
      calls.get(item)!.resolve(item);
    }
    expect(await results).toEqual([2, 1, 3, 4, 5, 6, 7]);
    expect(peak()).toBe(3);
    expect(map.stats()).toEqual({ started: 7, succeeded: 7, failed: 0, timedOut: 0, aborted: 0, inFlight: 0, lingering: 0 });
  });

  it("does not read ahead: with a consumer that stops asking, an endless source is read `concurrency` + 1 times", async () => {
    const { source, taken } = countingSource();
    const map = mapConcurrent(source, async (item: number) => item * 10, { concurrency: 4 });
    const iterator = map[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 10 });
    for (let i = 0; i < 5; i++) await settle();
    // Four in progress (done, waiting for the consumer) and the one handed on.
    expect(taken()).toBe(5);
    expect(map.stats()).toMatchObject({ started: 5, succeeded: 5, inFlight: 0 });
    await iterator.return!();
  });

  it("in order, a slow call bounds the results held behind it to `concurrency`", async () => {
    const { source, taken } = countingSource();
    const slow = deferred<number>();
    const map = mapConcurrent(source, (item: number) => (item === 1 ? slow.promise : Promise.resolve(item)), { concurrency: 3 });
    const iterator = map[Symbol.asyncIterator]();
    const first = iterator.next();
    for (let i = 0; i < 5; i++) await settle();
    expect(taken()).toBe(3);
    slow.resolve(1);
    expect(await first).toEqual({ done: false, value: 1 });
    expect(await iterator.next()).toEqual({ done: false, value: 2 });
    await iterator.return!();
  });

  it("skips an item whose call throws (synchronously or not), counts it, tells onError, and goes on", async () => {
    const errors: [string, number][] = [];
    const map = mapConcurrent(
      [1, 2, 3, 4, 5],
      (item: number) => {
        if (item === 2) throw new Error("refused");
        if (item === 4) return Promise.reject(new RangeError("bad row"));
        return Promise.resolve(item);
      },
      { concurrency: 2, onError: (error, item) => errors.push([(error as Error).name, item]) },
    );
    expect(await collect(map)).toEqual([1, 3, 5]);
    expect(errors).toEqual([
      ["Error", 2],
      ["RangeError", 4],
    ]);
    expect(map.stats()).toMatchObject({ started: 5, succeeded: 3, failed: 2, timedOut: 0 });
  });

  it("times a call out: its signal aborts with TimeoutError, the item is skipped and counted, a call ignoring it lingers", async () => {
    vi.useFakeTimers();
    const { fn, calls } = controlledCalls<number>();
    const errors: unknown[] = [];
    const map = mapConcurrent([1, 2, 3], fn, { concurrency: 3, timeout: 1000, onError: (error) => errors.push(error) });
    const results = collect(map);
    await vi.advanceTimersByTimeAsync(0);
    calls.get(1)!.resolve(1);
    calls.get(3)!.resolve(3);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.get(2)!.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await results).toEqual([1, 3]);
    expect(calls.get(2)!.signal.reason).toMatchObject({ name: "TimeoutError", timeoutMs: 1000 });
    expect(errors).toEqual([calls.get(2)!.signal.reason]);
    expect(map.stats()).toMatchObject({ started: 3, succeeded: 2, timedOut: 1, inFlight: 0, lingering: 1 });
    // The call ignored its signal; when it returns at last its result is dropped.
    calls.get(2)!.resolve(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(map.stats()).toMatchObject({ succeeded: 2, lingering: 0 });
  });

  it("a timed-out call frees its place at once: the next item starts without waiting for it", async () => {
    vi.useFakeTimers();
    const { fn, calls } = controlledCalls<number>();
    const map = mapConcurrent([1, 2], fn, { concurrency: 1, timeout: 50 });
    const results = collect(map);
    await vi.advanceTimersByTimeAsync(0);
    expect([...calls.keys()]).toEqual([1]);
    await vi.advanceTimersByTimeAsync(50);
    expect([...calls.keys()]).toEqual([1, 2]);
    calls.get(2)!.resolve(2);
    expect(await results).toEqual([2]);
  });

  it("the outer signal stops reading, aborts the calls in flight (not reported as errors) and ends without an error", async () => {
    const { source, taken, closed } = countingSource();
    const { fn, calls } = controlledCalls<number>();
    const stop = new AbortController();
    const onError = vi.fn();
    const map = mapConcurrent(source, fn, { concurrency: 2, signal: stop.signal, onError });
    const results = collect(map);
    await settle();
    stop.abort(new Error("STOP"));
    expect(await results).toEqual([]);
    expect([...calls.values()].map((call) => call.signal.aborted)).toEqual([true, true]);
    expect(calls.get(1)!.signal.reason).toMatchObject({ message: "STOP" });
    expect(onError).not.toHaveBeenCalled();
    expect(map.stats()).toMatchObject({ started: 2, aborted: 2, inFlight: 0, lingering: 2 });
    expect(taken()).toBe(2);
    expect(closed()).toBe(true);
  });

  it("an aborted signal given at the start reads nothing", async () => {
    const { source, taken } = countingSource(3);
    expect(await collect(mapConcurrent(source, async (n: number) => n, { signal: AbortSignal.abort() }))).toEqual([]);
    expect(taken()).toBe(0);
  });

  it("leaving the loop early aborts the calls in flight and closes the source", async () => {
    const { source, closed } = countingSource();
    const signals: AbortSignal[] = [];
    const map = mapConcurrent(
      source,
      (item: number, { signal }) => {
        signals.push(signal);
        return item === 1 ? Promise.resolve(1) : new Promise<number>(() => {});
      },
      { concurrency: 3 },
    );
    for await (const result of map) {
      expect(result).toBe(1);
      break;
    }
    expect(signals.filter((signal) => signal.aborted)).toHaveLength(signals.length - 1);
    expect(map.stats()).toMatchObject({ succeeded: 1, aborted: signals.length - 1, inFlight: 0 });
    expect(closed()).toBe(true);
  });

  it("an onError that throws ends the iteration with its error: the way to make a failure fatal", async () => {
    const fatal = new Error("give up");
    const map = mapConcurrent([1, 2, 3], async (item: number) => {
      if (item === 2) throw new Error("refused");
      return item;
    }, { concurrency: 1, onError: () => { throw fatal; } });
    const seen: number[] = [];
    await expect((async () => {
      for await (const result of map) seen.push(result);
    })()).rejects.toBe(fatal);
    expect(seen).toEqual([1]);
  });

  it("throws the source's error after the results of the items read before it", async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      throw new Error("source broke");
    }
    const seen: number[] = [];
    await expect((async () => {
      for await (const result of mapConcurrent(failing(), async (n: number) => n * 2, { concurrency: 4 })) seen.push(result);
    })()).rejects.toThrow("source broke");
    expect(seen).toEqual([2, 4]);
  });

  it("refuses a bad concurrency or timeout at once with RangeError", () => {
    const fn = async (n: number): Promise<number> => n;
    expect(() => mapConcurrent([1], fn, { concurrency: 0 })).toThrow(RangeError);
    expect(() => mapConcurrent([1], fn, { concurrency: 1.5 })).toThrow(RangeError);
    expect(() => mapConcurrent([1], fn, { timeout: 0 })).toThrow(RangeError);
    expect(() => mapConcurrent([1], fn, { timeout: 2 ** 31 })).toThrow(RangeError);
  });
});
