import { abortErrorFrom } from "./errors.js";

/** Per-call options of `waitFor`. */
export interface WaitForOptions<T> {
  /** Rejects the wait with an AbortError (the signal's reason as cause) when it fires. */
  signal?: AbortSignal;
  /** Resolves the wait with `value` once `ms` milliseconds pass without another outcome. */
  timeout?: { ms: number; value: T };
}

/**
 * The one way to wait for a callback-style event in Rivulet: `start` registers whatever
 * listeners it needs, calls `resolve` or `reject` when the event happens, and returns a
 * cleanup that removes those listeners. The cleanup runs exactly once however the wait ends
 * (resolved, rejected, aborted, timed out), together with the removal of the abort listener
 * and the timer, so no listener outlives its wait.
 *
 * ```ts
 * const drained = await waitFor<boolean>((resolve) => {
 *   const done = () => resolve(true);
 *   socket.on("drain", done);
 *   return () => socket.off("drain", done);
 * }, { signal, timeout: { ms: 250, value: false } });
 * ```
 *
 * Edge cases: an already-aborted signal rejects at once without calling `start`; outcomes after
 * the first are ignored; `start` may settle synchronously (the cleanup still runs, after `start`
 * returned it); an exception thrown by `start` rejects the wait.
 */
export function waitFor<T>(start: (resolve: (value: T) => void, reject: (error: unknown) => void) => (() => void) | void, options: WaitForOptions<T> = {}): Promise<T> {
  const { signal, timeout } = options;
  if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let cleanup: (() => void) | void = undefined;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => finish(() => reject(abortErrorFrom(signal!)));
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      // A synchronous outcome inside `start` has no cleanup yet; it runs once `start` returns.
      if (cleanup) cleanup();
      outcome();
    };
    try {
      cleanup = start(
        (value) => finish(() => resolve(value)),
        (error) => finish(() => reject(error)),
      );
    } catch (error) {
      finish(() => reject(error));
    }
    if (settled) {
      cleanup?.();
      return;
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeout) timer = setTimeout(() => finish(() => resolve(timeout.value)), timeout.ms);
  });
}
