import { type ChildProcess, spawn } from "node:child_process";
import { type WriteStream, createWriteStream } from "node:fs";
import { STDERR_TAIL_LINES } from "@rivulet/core";
import { BoundedQueue } from "@rivulet/core/internal";
import { LineSplitter } from "./line-splitter.js";
import type { NodeCommand } from "./node-command.js";

/** How a node process ended. */
export interface NodeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface NodeProcessInit {
  nodeId: string;
  command: NodeCommand;
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  onLine: (stream: "stdout" | "stderr", line: string) => void;
}

/**
 * One node's OS process, in a process group of its own (so signals reach everything it
 * starts). stdout and stderr are split into lines, passed on, and written to its log file;
 * the last lines of stderr are kept for the failure message.
 */
export class NodeProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<NodeExit>;
  readonly #log: WriteStream;
  readonly #stderrTail = new BoundedQueue<string>(STDERR_TAIL_LINES);
  #exit: NodeExit | undefined;

  constructor(readonly init: NodeProcessInit) {
    this.#log = createWriteStream(init.logFile, { flags: "a" });
    this.child = spawn(init.command.command, init.command.args, {
      cwd: init.cwd,
      env: init.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout = new LineSplitter((line) => this.#line("stdout", line));
    const stderr = new LineSplitter((line) => this.#line("stderr", line));
    this.child.stdout!.on("data", (chunk: Buffer) => stdout.push(chunk));
    this.child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk));
    this.exited = new Promise<NodeExit>((resolve) => {
      let spawnError: Error | undefined;
      this.child.once("error", (error) => {
        spawnError = error;
        this.#line("stderr", `cannot start: ${error.message}`);
        // 'close' may not follow a failed spawn; resolve here too.
        this.#exit ??= { code: 127, signal: null };
        resolve(this.#exit);
      });
      this.child.once("close", (code, signal) => {
        stdout.flush();
        stderr.flush();
        this.#exit ??= { code: spawnError ? 127 : code, signal };
        this.#log.end();
        resolve(this.#exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** The last lines the node wrote to stderr. */
  get stderrTail(): readonly string[] {
    return this.#stderrTail.toArray();
  }

  /** Writes a line to the node's log file (daemon notes, structured logs). */
  note(line: string): void {
    if (this.#log.writable) this.#log.write(`${line}\n`);
  }

  /** Sends a signal to the node's whole process group; no-op once it exited. */
  signal(signal: NodeJS.Signals): void {
    if (!this.running || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // The group is already gone (raced with exit).
    }
  }

  #line(stream: "stdout" | "stderr", line: string): void {
    if (stream === "stderr") {
      this.#stderrTail.push(line);
    }
    this.note(stream === "stderr" ? `[stderr] ${line}` : line);
    this.init.onLine(stream, line);
  }
}
