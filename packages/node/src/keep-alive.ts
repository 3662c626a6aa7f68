/** Longest delay a Node.js timer takes (about 24.8 days; longer ones fire at once): the idle timer below never fires in practice. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Keeps the process alive while work is pending: a reference count over one idle timer, which
 * is referenced while the count is above zero and unreferenced otherwise, so a node whose
 * program has finished lets the process exit (and reach `beforeExit`). Toggling a timer's
 * reference costs no allocation, so a recv per event may hold and release freely.
 */
export class KeepAlive {
  #holds = 0;
  #timer: NodeJS.Timeout | undefined;

  /** True while at least one caller holds the process. */
  get held(): boolean {
    return this.#holds > 0;
  }

  /** Keeps the process alive until the matching `release()`. */
  hold(): void {
    if (this.#holds++ > 0) return;
    this.#timer ??= setInterval(() => {}, MAX_TIMER_MS);
    this.#timer.ref();
  }

  /** Ends one `hold()`; the process may exit when none is left. */
  release(): void {
    if (--this.#holds === 0) this.#timer?.unref();
  }

  /** Keeps the process alive while `work` is pending; resolves or rejects as `work` does. */
  async holding<T>(work: Promise<T>): Promise<T> {
    this.hold();
    try {
      return await work;
    } finally {
      this.release();
    }
  }

  /** Drops the timer once nothing holds it (the node closed); a later `hold()` makes a new one. */
  dispose(): void {
    if (this.#holds > 0) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
