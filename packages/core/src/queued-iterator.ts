import { RivuletError, abortErrorFrom } from "./errors.js";
import { waitFor } from "./wait-for.js";

/** Where a QueuedIterator takes its items from; the owner pushes and then calls `notify()`. */
export interface ItemSource<T> {
  shift(): T | undefined;
  readonly length: number;
}

/** Per-call options for a wait. */
export interface PullOptions {
  /** Milliseconds to wait; `pull` resolves `null` when they pass. Omitted = wait forever. */
  timeout?: number;
  signal?: AbortSignal;
}

/** A second consumer tried to wait while one was already waiting. */
export class ConcurrentPullError extends RivuletError {
  constructor() {
    super("another recv() is already waiting on this iterator; events have a single consumer");
  }
}

/**
 * The single-consumer side of a queue: `for await` over it, or `pull()` with a timeout and an
 * abort signal. Items already buffered are returned without waiting, so a loop drains a batch
 * per wake-up. When the owner calls `end()`, buffered items are still delivered, then iteration
 * stops. `fail(error)` delivers the error in band after the buffered items.
 */
export class QueuedIterator<T> implements AsyncIterableIterator<T> {
  #waiter: Waiter<T> | undefined;
  #ended = false;
  #error: Error | undefined;
  #processed = 0;
  #iterating = false;

  /**
   * @param source the queue to drain.
   * @param onWaiting called with `true` when a consumer starts waiting and `false` when it
   *   stops; the SDK uses it to keep the process alive only while someone waits. A `for await`
   *   loop counts as waiting from its first step until it ends (or `break`s), so a busy loop
   *   does not toggle it on every item.
   */
  constructor(
    private readonly source: ItemSource<T>,
    private readonly onWaiting: (waiting: boolean) => void = () => {},
  ) {}

  /** Items waiting to be read. */
  get pending(): number {
    return this.source.length;
  }

  /** Items handed to the consumer so far. */
  get processed(): number {
    return this.#processed;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Wakes a waiting consumer after the owner pushed into the source. The item is handed to
   * the waiting promise directly, so a wake-up costs one promise resolution.
   */
  notify(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    const item = this.source.shift();
    // `deliver` and `reject` detach the waiter (the cleanup of its waitFor) before resolving.
    if (item !== undefined) {
      this.#processed++;
      waiter.deliver(item);
    } else if (this.#ended) {
      if (this.#error) waiter.reject(this.#error);
      else waiter.deliver(null);
    }
  }

  /** No more items will come; buffered ones are still delivered. */
  end(): void {
    this.#ended = true;
    this.notify();
  }

  /** Ends the iterator with an error, thrown to the consumer after buffered items. */
  fail(error: Error): void {
    this.#error ??= error;
    this.end();
  }

  /**
   * The next item; `null` when the timeout passes or the iterator has ended.
   * @throws AbortError when `signal` fires; ConcurrentPullError when another pull is waiting;
   *   the error given to `fail()` once buffered items are drained.
   */
  pull(options: PullOptions = {}): Promise<T | null> {
    const item = this.source.shift();
    if (item !== undefined) {
      this.#processed++;
      return Promise.resolve(item);
    }
    if (this.#ended) return this.#error ? Promise.reject(this.#error) : Promise.resolve(null);
    if (this.#waiter) return Promise.reject(new ConcurrentPullError());
    if (options.signal?.aborted) return Promise.reject(abortErrorFrom(options.signal));
    if (options.timeout !== undefined && options.timeout <= 0) return Promise.resolve(null);
    return this.#wait<T | null>(options, (resolve) => resolve, true, null);
  }

  next(): Promise<IteratorResult<T>> {
    if (!this.#iterating && !this.#ended) {
      this.#iterating = true;
      this.onWaiting(true);
    }
    const item = this.source.shift();
    if (item !== undefined) {
      this.#processed++;
      return Promise.resolve({ done: false, value: item });
    }
    if (this.#ended) {
      this.#stopIterating();
      return this.#error ? Promise.reject(this.#error) : Promise.resolve({ done: true, value: undefined });
    }
    return this.#wait<IteratorResult<T>>(
      {},
      (resolve) => (item) => {
        if (item === null) this.#stopIterating();
        resolve(item === null ? { done: true, value: undefined } : { done: false, value: item });
      },
      false,
    ).catch((error: unknown) => {
      this.#stopIterating();
      throw error;
    });
  }

  async return(): Promise<IteratorResult<T>> {
    this.#stopIterating();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #stopIterating(): void {
    if (!this.#iterating) return;
    this.#iterating = false;
    this.onWaiting(false);
  }

  /**
   * Waits for an item. `toDeliver` adapts the promise's resolve to what the caller returns;
   * `signals` says whether this wait itself counts as waiting for `onWaiting`; `timedOut` is
   * what the wait resolves to when `timeout` passes.
   */
  #wait<R>({ timeout, signal }: PullOptions, toDeliver: (resolve: (value: R) => void) => (item: T | null) => void, signals: boolean, timedOut?: R): Promise<R> {
    if (this.#waiter) return Promise.reject(new ConcurrentPullError());
    return waitFor<R>(
      (resolve, reject) => {
        const waiter: Waiter<T> = { deliver: toDeliver(resolve), reject };
        this.#waiter = waiter;
        if (signals) this.onWaiting(true);
        // Runs however the wait ends: an item, the end, the timeout or an abort.
        return () => {
          if (this.#waiter === waiter) this.#waiter = undefined;
          if (signals) this.onWaiting(false);
        };
      },
      { signal, timeout: timeout === undefined ? undefined : { ms: timeout, value: timedOut as R } },
    );
  }
}

interface Waiter<T> {
  deliver: (item: T | null) => void;
  reject: (error: Error) => void;
}
