import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { STDERR_TAIL_LINES } from "@rivulet/core";
import { BoundedQueue, waitFor } from "@rivulet/core/internal";
import { killOnExit, orphanProofCommand } from "./orphan-guard.js";

/** How a broker process ended. */
export interface BrokerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  error?: Error;
}

/**
 * One run of a broker binary: spawned attached (never detached) and orphan-proof, its stdout and
 * stderr kept as the last `STDERR_TAIL_LINES` lines, stopped with SIGTERM and then SIGKILL.
 */
export class BrokerProcess {
  readonly #child: ChildProcess;
  readonly #tail = new BoundedQueue<string>(STDERR_TAIL_LINES);
  #exit: BrokerExit | undefined;
  /** Settles once the process has exited and its output has been read to the end. */
  readonly exited: Promise<BrokerExit>;

  private constructor(child: ChildProcess) {
    this.#child = child;
    killOnExit(child);
    this.#keepLines(child.stdout);
    this.#keepLines(child.stderr);
    this.exited = new Promise<BrokerExit>((resolve) => {
      // A failed spawn emits `error` (and maybe no `close`); `close` waits for the pipes to end.
      child.once("error", (error) => resolve((this.#exit ??= { code: null, signal: null, error })));
      child.once("close", (code, signal) => resolve((this.#exit ??= { code, signal })));
    });
  }

  /**
   * Spawns `binary args` in `cwd`, as `user` when given (see `orphanProofCommand`). A spawn
   * failure is reported through `exited`, not thrown.
   */
  static async spawn(binary: string, args: readonly string[], cwd: string, user?: string): Promise<BrokerProcess> {
    const { command, args: argv } = await orphanProofCommand(binary, args, user);
    return new BrokerProcess(spawn(command, argv, { cwd, stdio: ["ignore", "pipe", "pipe"], detached: false }));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** False once the process has exited (or failed to spawn). */
  get running(): boolean {
    return this.#exit === undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The last lines the process wrote to stdout and stderr, oldest first. */
  output(): string[] {
    return this.#tail.toArray();
  }

  /**
   * Sends `signal` (default SIGTERM) and resolves once the process exited; after `graceMs`
   * without an exit, sends SIGKILL and waits for that. Resolves at once when the process already
   * exited.
   */
  async stop(graceMs: number, signal: NodeJS.Signals = "SIGTERM"): Promise<BrokerExit> {
    if (this.#exit === undefined) {
      this.#child.kill(signal);
      const exited = await waitFor<boolean>((resolve) => void this.exited.then(() => resolve(true)), { timeout: { ms: graceMs, value: false } });
      if (!exited) this.#child.kill("SIGKILL");
    }
    return this.exited;
  }

  #keepLines(stream: Readable | null): void {
    if (stream === null) return;
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => this.#tail.push(line));
  }
}
