/** Timer functions, injectable so tests can drive the escalation with fake timers. */
export interface EscalationClock {
  setTimeout(callback: () => void, ms: number): NodeJS.Timeout;
  clearTimeout(timer: NodeJS.Timeout): void;
}

/**
 * Stop escalation: after `start()`, `onEscalate("SIGTERM")` fires once `graceMs` has passed and
 * `onEscalate("SIGKILL")` once another `graceMs` has passed. `skip()` (a second Ctrl-C) fires
 * SIGKILL at once and cancels what is pending; `cancel()` (every node exited) cancels it all.
 * Each signal fires at most once.
 */
export class StopEscalation {
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #fired = new Set<"SIGTERM" | "SIGKILL">();

  constructor(
    private readonly graceMs: number,
    private readonly onEscalate: (signal: "SIGTERM" | "SIGKILL") => void,
    private readonly clock: EscalationClock = { setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (timer) => clearTimeout(timer) },
  ) {}

  /** Starts the grace periods (a no-op if already started). */
  start(): void {
    if (this.#timers.length > 0 || this.#fired.size > 0) return;
    this.#timers.push(
      this.clock.setTimeout(() => this.#fire("SIGTERM"), this.graceMs),
      this.clock.setTimeout(() => this.#fire("SIGKILL"), this.graceMs * 2),
    );
  }

  /** Skips the remaining grace: SIGKILL now. */
  skip(): void {
    this.cancel();
    this.#fire("SIGKILL");
  }

  cancel(): void {
    for (const timer of this.#timers.splice(0)) this.clock.clearTimeout(timer);
  }

  #fire(signal: "SIGTERM" | "SIGKILL"): void {
    if (this.#fired.has(signal) || this.#fired.has("SIGKILL")) return;
    this.#fired.add(signal);
    this.onEscalate(signal);
  }
}
