import { TimeoutError } from "@rivulet/core";
import { waitFor } from "@rivulet/core/internal";

/** Per-call options of a question to the action server (cancel, get_result). */
export interface AskOptions {
  /** Milliseconds to wait for the answer; then the wait rejects with TimeoutError. */
  timeout?: number;
  signal?: AbortSignal;
}

/**
 * Sends a question (`send`) and waits for its answer, which `listen` registers for (as
 * `waitFor`'s start: it returns the cleanup). The listener is in place before the send, so an
 * answer can never slip in between.
 * @param what names the wait in the TimeoutError ("node 'c' goal ...: the answer to cancel").
 * @throws TimeoutError when `timeout` passes; AbortError when `signal` fires; what `send` or
 *   the listener's `reject` throw.
 */
export async function ask<T>(
  send: () => Promise<void>,
  listen: (resolve: (value: T) => void, reject: (error: unknown) => void) => () => void,
  options: AskOptions,
  what: string,
): Promise<T> {
  const timedOut = Symbol("timed out");
  const { timeout, signal } = options;
  let giveUp: (error: unknown) => void = () => {};
  const answer = waitFor<T | typeof timedOut>(
    (resolve, reject) => {
      giveUp = reject;
      return listen(resolve, reject);
    },
    { signal, timeout: timeout === undefined ? undefined : { ms: timeout, value: timedOut } },
  );
  try {
    await send();
  } catch (error) {
    // The question never left: end the wait (its cleanup unregisters the listener) and report the send's error.
    giveUp(error);
    answer.catch(() => {});
    throw error;
  }
  const value = await answer;
  if (value === timedOut) throw new TimeoutError(timeout!, what);
  return value;
}
