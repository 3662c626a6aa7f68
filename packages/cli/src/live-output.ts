import { STDERR_TAIL_LINES } from "@rivulet/core";

/**
 * Remembers where each node's stderr was last printed live, so the run summary repeats a failed
 * node's last stderr lines only when they have scrolled away. A stack trace printed at start-up
 * and followed by the summary a few lines later is then shown once, not twice.
 */
export class LiveOutput {
  #lines = 0;
  readonly #lastStderr = new Map<string, number>();

  /** Counts one line written to the terminal; `nodeId` and `stream` when it is a node's output. */
  wrote(nodeId?: string, stream?: "stdout" | "stderr"): void {
    this.#lines += 1;
    if (nodeId !== undefined && stream === "stderr") this.#lastStderr.set(nodeId, this.#lines);
  }

  /**
   * True when the node's stderr tail should be repeated: it never reached the terminal, or more
   * than `STDERR_TAIL_LINES` lines have been printed since its last stderr line.
   */
  needsTail(nodeId: string): boolean {
    const last = this.#lastStderr.get(nodeId);
    return last === undefined || this.#lines - last > STDERR_TAIL_LINES;
  }
}
