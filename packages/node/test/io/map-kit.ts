/** A promise with its resolve and reject, settled by the test. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/**
 * A source of 1..`count` (endless without it) that records how many items were taken and
 * whether it was closed (its `finally` ran).
 */
export function countingSource(count = Infinity): { source: AsyncIterable<number>; taken: () => number; closed: () => boolean } {
  let taken = 0;
  let closed = false;
  async function* generate(): AsyncGenerator<number> {
    try {
      while (taken < count) yield ++taken;
    } finally {
      closed = true;
    }
  }
  return { source: generate(), taken: () => taken, closed: () => closed };
}

/**
 * Calls whose outcome the test decides: `fn` records each item with a deferred and its signal;
 * `running` lists the items called and not yet settled; `peak` is the most running at once.
 */
export function controlledCalls<R>() {
  const calls = new Map<number, Deferred<R> & { signal: AbortSignal }>();
  let running = 0;
  let peak = 0;
  const fn = async (item: number, { signal }: { signal: AbortSignal }): Promise<R> => {
    const call = { ...deferred<R>(), signal };
    calls.set(item, call);
    running++;
    peak = Math.max(peak, running);
    try {
      return await call.promise;
    } finally {
      running--;
    }
  };
  return { fn, calls, peak: () => peak, running: () => running };
}

/** Lets every pending promise callback run (the map's reader and consumer take a few turns). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads `results` to the end. */
export async function collect<R>(results: AsyncIterable<R>): Promise<R[]> {
  const out: R[] = [];
  for await (const result of results) out.push(result);
  return out;
}
