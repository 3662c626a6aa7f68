import { type MapConcurrentOptions, type MapConcurrentStats, type MapFunction, type MapSettings, mapSettings } from "./map-options.js";
import { MapRun } from "./map-run.js";

/** What `it-pipe` and `mapConcurrent` take as a source: an async or a sync iterable. */
export type MapSource<T> = AsyncIterable<T> | Iterable<T>;

/**
 * The results of `fn` over a source's items, worked on concurrently (see `mapConcurrent`). Each
 * iteration reads the source anew; the counters add up over iterations.
 */
export class ConcurrentMap<T, R> implements AsyncIterable<R> {
  constructor(
    private readonly source: MapSource<T>,
    private readonly fn: MapFunction<T, R>,
    private readonly settings: MapSettings<T>,
    private readonly counters: MapConcurrentStats = emptyStats(),
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<R> {
    return new MapRun(this.source, this.fn, this.settings, this.counters).results();
  }

  /** Calls started, succeeded, failed, timed out, aborted; in flight now, and given up but still running. */
  stats(): MapConcurrentStats {
    return { ...this.counters };
  }
}

/**
 * Runs `fn` over the items of `source` with at most `concurrency` items in progress, and yields
 * the results: in the order of their items (`ordered`, the default) or as their calls finish.
 *
 * ```ts
 * const saved = mapConcurrent(node.inputs("readings"), (event, { signal }) => save(event.rows(), signal), {
 *   concurrency: 4, timeout: 2000, signal: node.signal, node,
 * });
 * for await (const id of saved) await node.sendOutput("saved", id);
 * ```
 *
 * - Bounded: an item is taken from the source only when fewer than `concurrency` are in progress
 *   (running, or done and not yet handed on), so nothing is read ahead beyond that bound and a
 *   slow consumer slows the reading too.
 * - Per item: a call that throws, or runs past `timeout` (its signal then aborts), is counted
 *   (`failed`, `timedOut`), passed to `onError`, logged through `node` (a `warn` line, at most one
 *   per `logIntervalMs`: a database refusing every write does not flood the log), and skipped;
 *   the iteration goes on with the next items. A synchronous throw counts as a failure too.
 * - Ends when the source ends and every result is handed on. The outer `signal` ends it early
 *   without an error (calls in flight aborted, see `MapConcurrentOptions.signal`). Leaving the
 *   loop (`break`, a throw) aborts the calls in flight and closes the source: `node.inputs()`
 *   lets its input go at once, counting what it had queued as discarded.
 * - The source's own error is thrown after the results of the items read before it.
 *
 * Nothing starts until the result is iterated.
 * @throws RangeError at once for a bad `concurrency`, `timeout` or `logIntervalMs`.
 */
export function mapConcurrent<T, R>(source: MapSource<T>, fn: MapFunction<T, R>, options: MapConcurrentOptions<T> = {}): ConcurrentMap<T, R> {
  return new ConcurrentMap(source, fn, mapSettings(options));
}

/** An `it-pipe` transform stage running `fn` concurrently, with the counters of every source it was given. */
export interface MapConcurrentStage<T, R> {
  (source: MapSource<T>): ConcurrentMap<T, R>;
  /** The counters summed over every source this stage mapped. */
  stats(): MapConcurrentStats;
}

/**
 * `mapConcurrent` as a stage of `it-pipe`: a function from a source to the results, with the
 * same options and semantics.
 *
 * ```ts
 * import { pipe } from "it-pipe";
 * const saving = mapConcurrentStage((event, { signal }) => save(event.rows(), signal), { concurrency: 4, timeout: 2000, node });
 * await pipe(node.inputs("readings"), saving, async (results) => { for await (const _ of results); });
 * saving.stats(); // { started, succeeded, failed, timedOut, ... }
 * ```
 * @throws RangeError at once for a bad `concurrency`, `timeout` or `logIntervalMs`.
 */
export function mapConcurrentStage<T, R>(fn: MapFunction<T, R>, options: MapConcurrentOptions<T> = {}): MapConcurrentStage<T, R> {
  const settings = mapSettings(options);
  const counters = emptyStats();
  const stage = (source: MapSource<T>): ConcurrentMap<T, R> => new ConcurrentMap(source, fn, settings, counters);
  return Object.assign(stage, { stats: (): MapConcurrentStats => ({ ...counters }) });
}

function emptyStats(): MapConcurrentStats {
  return { started: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, inFlight: 0, lingering: 0 };
}
