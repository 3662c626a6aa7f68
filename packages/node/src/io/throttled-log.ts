import type { LogLevel, Parameter } from "@rivulet/core";

/** Where log lines go: a `Node`, or anything with its `log` method. */
export interface LogSink {
  log(level: LogLevel, message: string, fields?: Record<string, Parameter>): void;
}

/** The default interval of a `ThrottledLog`: at most one line per 5 s. */
export const DEFAULT_LOG_INTERVAL_MS = 5000;

/**
 * Log lines for something that may fail at any rate (a database refusing every write): the first
 * line goes out at once, then at most one per `intervalMs`. Lines held back are counted, and the
 * next line that goes out (or `flush()`) says how many, with field `suppressed`, so a failing
 * dependency costs one line per interval instead of one per message. No timer: a quiet period
 * costs nothing, and the count waits for the next line or the flush.
 */
export class ThrottledLog {
  #last = -Infinity;
  #suppressed = 0;
  #level: LogLevel = "warn";

  /** @param now the clock in milliseconds (`Date.now`; a test may give its own). */
  constructor(
    private readonly sink: LogSink,
    private readonly intervalMs = DEFAULT_LOG_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {
    if (!(intervalMs >= 0)) throw new RangeError(`log interval must be a number of milliseconds >= 0, got ${intervalMs}`);
  }

  /** Lines held back since the last one that went out. */
  get suppressed(): number {
    return this.#suppressed;
  }

  /** Logs the line now, or counts it when one went out less than `intervalMs` ago. */
  log(level: LogLevel, message: string, fields: Record<string, Parameter> = {}): void {
    const now = this.now();
    if (now - this.#last < this.intervalMs) {
      this.#suppressed++;
      this.#level = level;
      return;
    }
    this.#last = now;
    const suppressed = this.#take();
    this.sink.log(level, suppressed > 0 ? `${message} (${lines(suppressed, "similar line")} held back before this one)` : message, suppressed > 0 ? { ...fields, suppressed } : fields);
  }

  /** Logs how many lines were held back since the last one (nothing when none were): at the end of the work. */
  flush(message: string, fields: Record<string, Parameter> = {}): void {
    const level = this.#level;
    const suppressed = this.#take();
    if (suppressed > 0) this.sink.log(level, `${message}: ${lines(suppressed, "more line")} held back`, { ...fields, suppressed });
  }

  #take(): number {
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    return suppressed;
  }
}

/** "1 more line", "2 more lines". */
function lines(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
