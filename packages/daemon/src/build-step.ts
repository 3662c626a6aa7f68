import { spawn } from "node:child_process";
import { STDERR_TAIL_LINES } from "@rivulet/core";
import { BoundedQueue } from "@rivulet/core/internal";
import type { DescriptorErrorInit } from "@rivulet/descriptor";
import type { NodeDescriptor } from "@rivulet/descriptor";
import { BuildError } from "./daemon-errors.js";
import { LineSplitter } from "./line-splitter.js";

/** A node whose `build` runs, with where its `build` key is written (for `BuildError`). */
export interface BuildStep {
  node: NodeDescriptor;
  at: DescriptorErrorInit & { nodeId: string };
}

/**
 * Runs each node's `build` command (through the shell, in the dataflow's folder), one after
 * the other, before anything starts. Every output line goes to `onLine`; the last
 * `STDERR_TAIL_LINES` of a failing build are kept in its `BuildError`.
 * @throws BuildError naming the first node whose build fails (non-zero exit, a signal, or a
 *   shell that cannot start), located at its `build` key.
 */
export async function runBuilds(steps: readonly BuildStep[], cwd: string, onLine: (nodeId: string, line: string) => void): Promise<void> {
  for (const { node, at } of steps) {
    if (!node.build) continue;
    const tail = new BoundedQueue<string>(STDERR_TAIL_LINES);
    const child = spawn(node.build, { cwd, shell: true, stdio: ["ignore", "pipe", "pipe"] });
    const lines = new LineSplitter((line) => {
      tail.push(line);
      onLine(node.id, line);
    });
    child.stdout.on("data", (chunk: Buffer) => lines.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => lines.push(chunk));
    const outcome = await new Promise<{ code: number | null; cause?: Error }>((resolve) => {
      child.once("error", (cause) => resolve({ code: 127, cause }));
      child.once("close", (code) => resolve({ code }));
    });
    lines.flush();
    if (outcome.code !== 0) throw new BuildError(node.build, outcome.code, tail.toArray(), at, outcome.cause ? { cause: outcome.cause } : undefined);
  }
}
