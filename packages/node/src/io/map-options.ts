import { MAX_TIMER_MS } from "../keep-alive.js";
import type { LogSink } from "./throttled-log.js";

/** What a call of `mapConcurrent`'s function gets besides its item. */
export interface MapCallContext {
  /**
   * Aborts when the call's `timeout` passes (reason: a TimeoutError), when the outer `signal`
   * fires, or when the loop reading the results is left. Pass it to `fetch`, timers, queries.
   */
  signal: AbortSignal;
}

/** The work done for one item: its result, or a throw (reported and skipped, see `mapConcurrent`). */
export type MapFunction<T, R> = (item: T, context: MapCallContext) => Promise<R> | R;

/** Options of `mapConcurrent` and `mapConcurrentStage`. */
export interface MapConcurrentOptions<T> {
  /**
   * Items taken from the source and not yet handed on, at most (default 8): calls in flight plus
   * results waiting for their turn (`ordered`) or for the consumer. At the bound the source is not
   * read, so a node input's queue size and policy apply to what waits.
   */
  concurrency?: number;
  /**
   * Milliseconds each call may take (omitted: no limit). When they pass, the call's signal aborts
   * with a TimeoutError, the item is reported as timed out and skipped, and its place goes to the
   * next item at once: a call that ignores its signal runs on unwatched (`lingering` in the stats)
   * and its late result is dropped.
   */
  timeout?: number;
  /**
   * true (default): results in the order of their items; a slow call holds the results after it,
   * up to `concurrency` items. false: each result as soon as its call is done.
   */
  ordered?: boolean;
  /**
   * Stops the work (`node.signal` ends it at STOP): the source is no longer read, calls in flight
   * are aborted (counted as `aborted`, not reported as errors), results not yet handed on are
   * dropped, and the iteration ends without an error.
   */
  signal?: AbortSignal;
  /**
   * Called for each item whose call threw or timed out, with the error (a TimeoutError for a
   * timeout) and the item; the iteration goes on. A throw from `onError` ends the iteration with
   * that error (after aborting the calls in flight): the way to make a failure fatal.
   */
  onError?: (error: unknown, item: T) => void;
  /**
   * Where failures are logged (a `Node`): a `warn` line per failed or timed-out item, at most one
   * per `logIntervalMs`; the lines held back are counted in the next one. Omitted: nothing logged.
   */
  node?: LogSink;
  /** Names the work in log lines and timeout errors (default `mapConcurrent`). */
  name?: string;
  /** At most one failure line per this many milliseconds (default 5000). */
  logIntervalMs?: number;
}

/** Counters of a `ConcurrentMap`, plain numbers, summed over its iterations. */
export interface MapConcurrentStats {
  /** Calls started (items taken from the source). */
  started: number;
  /** Calls that returned a result. */
  succeeded: number;
  /** Calls that threw. */
  failed: number;
  /** Calls still running when their `timeout` passed. */
  timedOut: number;
  /** Calls running when the work stopped (the outer signal, or the loop left early). */
  aborted: number;
  /** Calls running now, whose result is awaited. */
  inFlight: number;
  /** Calls given up (timed out or aborted) that have not returned yet: they ignore their signal. */
  lingering: number;
}

/** The default bound on items in progress (see `MapConcurrentOptions.concurrency`). */
export const DEFAULT_MAP_CONCURRENCY = 8;

/** The options with defaults filled in. */
export interface MapSettings<T> extends MapConcurrentOptions<T> {
  concurrency: number;
  ordered: boolean;
  name: string;
}

/**
 * Checks and completes `options`.
 * @throws RangeError for a `concurrency` that is not a whole number >= 1, a `timeout` that is not
 *   a number of milliseconds from 1 to MAX_TIMER_MS, or a negative `logIntervalMs`.
 */
export function mapSettings<T>(options: MapConcurrentOptions<T>): MapSettings<T> {
  const { concurrency = DEFAULT_MAP_CONCURRENCY, timeout, ordered = true, name = "mapConcurrent" } = options;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError(`${name}: concurrency must be a whole number >= 1, got ${concurrency}`);
  if (timeout !== undefined && !(timeout >= 1 && timeout <= MAX_TIMER_MS)) throw new RangeError(`${name}: timeout must be a number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${timeout}`);
  if (options.logIntervalMs !== undefined && !(options.logIntervalMs >= 0)) throw new RangeError(`${name}: logIntervalMs must be a number of milliseconds >= 0, got ${options.logIntervalMs}`);
  return { ...options, concurrency, ordered, name };
}
