import { PRODUCER_VERDICT_WAIT_MS } from "@rivulet/core";

/**
 * What a consumer knows about how its inputs' producers ended. When an input's data connection
 * breaks without an end marker, the producer probably crashed, and the daemon will say so
 * (`node_failed`) once it sees the exit; the input waits for that word, at most `waitMs`, so
 * that NODE_FAILED can come before INPUT_CLOSED and STOP even when it was the last input.
 */
export class ProducerVerdicts {
  readonly #waiting = new Map<string, NodeJS.Timeout>();
  readonly #ended = new Set<string>();

  constructor(private readonly waitMs = PRODUCER_VERDICT_WAIT_MS) {}

  /** True once the daemon said that the producer of input `id` ended (failed or finished). */
  hasEnded(id: string): boolean {
    return this.#ended.has(id);
  }

  /**
   * The daemon says the producer of input `id` ended. Returns true when the input's connection
   * had broken and was waiting for this: close the input now.
   */
  end(id: string): boolean {
    this.#ended.add(id);
    const timer = this.#waiting.get(id);
    if (!timer) return false;
    clearTimeout(timer);
    this.#waiting.delete(id);
    return true;
  }

  /**
   * Input `id`'s connection broke: waits for `end(id)`, or calls `onTimeout` after `waitMs`.
   * The timer does not keep the process alive (a consumer waiting for events does).
   */
  wait(id: string, onTimeout: () => void): void {
    const timer = setTimeout(() => {
      this.#waiting.delete(id);
      onTimeout();
    }, this.waitMs);
    timer.unref();
    this.#waiting.set(id, timer);
  }

  /** Stops every wait (the node is stopping or closing); no callback fires after this. */
  clear(): void {
    for (const timer of this.#waiting.values()) clearTimeout(timer);
    this.#waiting.clear();
  }
}
