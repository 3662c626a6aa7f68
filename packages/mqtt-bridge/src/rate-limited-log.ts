import type { LogLevel, Parameter } from "@rivulet/core";
import { type LogSink, ThrottledLog } from "@rivulet/node";

/** The shortest time between two log lines of one key (an entry's malformed payloads, say). */
export const BRIDGE_LOG_INTERVAL_MS = 10_000;

/** Options of a `RateLimitedLog`. */
export interface RateLimitedLogInit {
  sink: LogSink;
  level: LogLevel;
  /** Default `BRIDGE_LOG_INTERVAL_MS`. */
  intervalMs?: number;
  /** The clock, in milliseconds; `Date.now` unless a test gives its own. */
  now?: () => number;
}

/**
 * One `ThrottledLog` (`@rivulet/node`) per key: the first line of a key at once, then at most
 * one per interval, the next saying how many were held back (`suppressed` field). A flood of bad
 * payloads on one entry thus costs a line every ten seconds, without silencing another entry.
 * `flush()` writes what is still held back (at close), so no count is lost from the log.
 */
export class RateLimitedLog {
  readonly #keys = new Map<string, { log: ThrottledLog; message: string; fields: Record<string, Parameter> }>();

  constructor(private readonly init: RateLimitedLogInit) {}

  /** Logs `message` for `key` unless a line of that key was logged less than an interval ago. */
  log(key: string, message: string, fields: Record<string, Parameter> = {}): void {
    let state = this.#keys.get(key);
    if (!state) {
      state = { log: new ThrottledLog(this.init.sink, this.init.intervalMs ?? BRIDGE_LOG_INTERVAL_MS, this.init.now), message, fields };
      this.#keys.set(key, state);
    }
    state.message = message;
    state.fields = fields;
    state.log.log(this.init.level, message, fields);
  }

  /** Writes one line for each key with lines held back (the last of them, with the count). */
  flush(): void {
    for (const state of this.#keys.values()) state.log.flush(state.message, state.fields);
  }
}
