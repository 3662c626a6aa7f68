import { DROP_REPORT_INTERVAL_MS, type DropCounts } from "@rivulet/core";

/**
 * Reports a node's drop totals while it runs: every `intervalMs`, and only when they changed
 * since the last report, so a node that drops nothing sends nothing and one that drops all the
 * time sends at most one message per interval. The final totals go in `outputs_closed`.
 */
export class DropReporter {
  #timer: NodeJS.Timeout | undefined;
  #last = "";

  constructor(
    private readonly counts: () => DropCounts,
    private readonly send: (drops: DropCounts) => void,
    private readonly intervalMs = DROP_REPORT_INTERVAL_MS,
  ) {}

  /** Starts reporting; a no-op if already started. The timer never keeps the process alive. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#check(), this.intervalMs);
    this.#timer.unref();
  }

  /** Stops reporting (idempotent). */
  stop(): void {
    clearInterval(this.#timer);
  }

  #check(): void {
    const drops = this.counts();
    const key = JSON.stringify(drops);
    if (key === this.#last) return;
    this.#last = key;
    this.send(drops);
  }
}
