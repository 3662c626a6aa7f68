import { AbortError, RivuletError, abortErrorFrom } from "./errors.js";

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
  #waiter: ((ready: boolean) => void) | undefined;
  #ended = false;
  #error: Error | undefined;
  #processed = 0;

  /**
   * @param source the queue to drain.
   * @param onWaiting called with `true` when a consumer starts waiting and `false` when it
   *   stops; the SDK uses it to keep the process alive only while someone waits.
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

  /** Wakes a waiting consumer after the owner pushed into the source. */
  notify(): void {
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter(true);
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
  async pull(options: PullOptions = {}): Promise<T | null> {
    for (;;) {
      const item = this.source.shift();
      if (item !== undefined) {
        this.#processed++;
        return item;
      }
      if (this.#ended) {
        if (this.#error) throw this.#error;
        return null;
      }
      if (!(await this.#wait(options))) return null;
    }
  }

  async next(): Promise<IteratorResult<T>> {
    const item = await this.pull();
    return item === null ? { done: true, value: undefined } : { done: false, value: item };
  }

  async return(): Promise<IteratorResult<T>> {
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #wait({ timeout, signal }: PullOptions): Promise<boolean> {
    if (this.#waiter) return Promise.reject(new ConcurrentPullError());
    if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
    if (timeout !== undefined && timeout <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => finish(() => reject(signal ? abortErrorFrom(signal) : new AbortError()));
      const finish = (settle: () => void): void => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (this.#waiter === waiter) this.#waiter = undefined;
        this.onWaiting(false);
        settle();
      };
      const waiter = (ready: boolean): void => finish(() => resolve(ready));
      this.#waiter = waiter;
      if (timeout !== undefined) timer = setTimeout(() => waiter(false), timeout);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.onWaiting(true);
    });
  }
}

