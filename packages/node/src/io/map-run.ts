import { TimeoutError } from "@rivulet/core";
import type { MapConcurrentStats, MapFunction, MapSettings } from "./map-options.js";
import { ThrottledLog } from "./throttled-log.js";

/** An item taken from the source: its call runs, then it holds its result (or nothing) until handed on. */
interface Slot<R> {
  state: "running" | "done" | "skipped";
  value?: R;
}

/**
 * One iteration of a `ConcurrentMap`: a reader taking items from the source while fewer than
 * `concurrency` are in progress and starting a call for each, and the consumer's side handing
 * the results on (in order, or as they come). Both wait on one wake-up promise, renewed on every
 * change (a call done, a result taken, the source ended, a stop).
 */
export class MapRun<T, R> {
  /** Items in progress, in source order: running, or done and waiting to be handed on. */
  readonly #slots: Slot<R>[] = [];
  /** The calls' controllers: one abort of them all at a stop, not one listener each. */
  readonly #calls = new Map<AbortController, (outcome: "aborted") => void>();
  readonly #iterator: AsyncIterator<T>;
  readonly #log: ThrottledLog | undefined;
  #wake!: () => void;
  #changed!: Promise<void>;
  #stopped = false;
  /** A read of the source is waiting (its `return()` then must not be awaited: a generator queues it). */
  #reading = false;
  #sourceDone = false;
  /** The source threw: thrown to the consumer after the results of the items read before. */
  #sourceError: { error: unknown } | undefined;
  /** `onError` threw: thrown to the consumer at once. */
  #fatal: { error: unknown } | undefined;
  #closing: Promise<unknown> | undefined;

  constructor(
    source: AsyncIterable<T> | Iterable<T>,
    private readonly fn: MapFunction<T, R>,
    private readonly settings: MapSettings<T>,
    private readonly counters: MapConcurrentStats,
  ) {
    this.#iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : fromSync(source[Symbol.iterator]());
    this.#log = settings.node ? new ThrottledLog(settings.node, settings.logIntervalMs) : undefined;
    this.#renew();
  }

  async *results(): AsyncGenerator<R, void, undefined> {
    const { signal } = this.settings;
    const onAbort = (): void => this.#stop();
    if (signal?.aborted) this.#stop();
    else signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (!this.#stopped) void this.#read();
      for (;;) {
        if (this.#fatal) throw this.#fatal.error;
        if (this.#stopped) return;
        const slot = this.#ready();
        if (slot) {
          this.#slots.splice(this.#slots.indexOf(slot), 1);
          this.#changedNow();
          if (slot.state === "done") yield slot.value as R;
          continue;
        }
        if (this.#sourceDone && this.#slots.length === 0) {
          if (this.#sourceError) throw this.#sourceError.error;
          return;
        }
        await this.#changed;
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.#stop();
      await this.#closed();
      this.#log?.flush(`${this.settings.name}: failures`, { name: this.settings.name });
    }
  }

  /** The next result to hand on: the oldest item when ordered, else any finished one. */
  #ready(): Slot<R> | undefined {
    if (this.settings.ordered) {
      const head = this.#slots[0];
      return head && head.state !== "running" ? head : undefined;
    }
    return this.#slots.find((slot) => slot.state !== "running");
  }

  /** Takes items from the source while there is room, starting a call for each. */
  async #read(): Promise<void> {
    try {
      while (!this.#stopped) {
        if (this.#slots.length >= this.settings.concurrency) {
          await this.#changed;
          continue;
        }
        this.#reading = true;
        const next = await this.#iterator.next();
        this.#reading = false;
        // An item read while stopping is not worked on: the source was told to stop.
        if (next.done || this.#stopped) break;
        this.#start(next.value);
      }
    } catch (error) {
      this.#reading = false;
      this.#sourceError = { error };
    } finally {
      this.#sourceDone = true;
      this.#changedNow();
    }
  }

  #start(item: T): void {
    const { fn, counters, settings } = this;
    const slot: Slot<R> = { state: "running" };
    this.#slots.push(slot);
    counters.started++;
    counters.inFlight++;
    const controller = new AbortController();
    let givenUp = false;
    // Settles the slot once: the call's outcome, its timeout or a stop, whichever comes first.
    const settle = (outcome: Outcome, value?: R, error?: unknown): void => {
      if (!this.#calls.delete(controller)) return;
      clearTimeout(timer);
      counters.inFlight--;
      counters[outcome]++;
      givenUp = outcome === "timedOut" || outcome === "aborted";
      if (givenUp) counters.lingering++;
      slot.state = outcome === "succeeded" ? "done" : "skipped";
      slot.value = value;
      if (outcome === "failed" || outcome === "timedOut") this.#report(error, item, outcome);
      this.#changedNow();
    };
    this.#calls.set(controller, settle);
    const { timeout } = settings;
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(() => {
            const error = new TimeoutError(timeout, `${settings.name} call`);
            controller.abort(error);
            settle("timedOut", undefined, error);
          }, timeout);
    void Promise.resolve()
      .then(() => fn(item, { signal: controller.signal }))
      .then(
        (value) => settle("succeeded", value),
        (error: unknown) => settle("failed", undefined, error),
      )
      .finally(() => {
        // A call given up earlier (timed out, aborted) has returned at last.
        if (givenUp) counters.lingering--;
      });
  }

  /** A failed or timed-out item: `onError`, then a throttled log line; a throwing `onError` ends the run. */
  #report(error: unknown, item: T, outcome: "failed" | "timedOut"): void {
    const { onError, name } = this.settings;
    try {
      onError?.(error, item);
    } catch (fatal) {
      this.#fatal ??= { error: fatal };
      this.#stop();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.#log?.log("warn", `${name}: an item ${outcome === "timedOut" ? "timed out" : "failed"} and was skipped: ${message}`, { name, error: message, outcome });
  }

  /** Stops reading and aborts the calls in flight (idempotent). */
  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const [controller, settle] of [...this.#calls]) {
      controller.abort(this.settings.signal?.reason);
      settle("aborted");
    }
    this.#slots.length = 0;
    // Called now, not a turn later: `node.inputs()` lets its input go at once, even mid-read.
    let closing: Promise<unknown>;
    try {
      closing = Promise.resolve(this.#iterator.return?.());
    } catch (error) {
      closing = Promise.reject(error);
    }
    // A source that fails to close has nothing more to give this loop: logged, not thrown over its end.
    closing = closing.catch((error: unknown) => this.settings.node?.log("warn", `${this.settings.name}: the source failed to close: ${String(error)}`));
    // A read still waiting: a generator runs `return()` after it, which may never come; do not wait.
    this.#closing = this.#reading ? undefined : closing;
    this.#changedNow();
  }

  #closed(): Promise<unknown> {
    return this.#closing ?? Promise.resolve();
  }

  #changedNow(): void {
    this.#wake();
    this.#renew();
  }

  #renew(): void {
    this.#changed = new Promise((resolve) => (this.#wake = resolve));
  }
}

type Outcome = "succeeded" | "failed" | "timedOut" | "aborted";

/** A sync iterable's iterator as an async one (it-pipe sources may be either). */
function fromSync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return {
    next: async () => iterator.next(),
    return: async () => iterator.return?.() ?? { done: true, value: undefined },
  };
}
