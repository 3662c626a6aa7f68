import { spawn } from "node:child_process";
import type { NodeDescriptor } from "@rivulet/descriptor";
import { BuildError } from "./daemon-errors.js";
import { LineSplitter } from "./line-splitter.js";

/**
 * Runs each node's `build` command (through the shell, in the dataflow's folder), one after
 * the other, before anything starts.
 * @throws BuildError naming the first node whose build fails.
 */
export async function runBuilds(nodes: readonly NodeDescriptor[], cwd: string, onLine: (nodeId: string, line: string) => void): Promise<void> {
  for (const node of nodes) {
    if (!node.build) continue;
    const child = spawn(node.build, { cwd, shell: true, stdio: ["ignore", "pipe", "pipe"] });
    const lines = new LineSplitter((line) => onLine(node.id, line));
    child.stdout.on("data", (chunk: Buffer) => lines.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => lines.push(chunk));
    const code = await new Promise<number | null>((resolve) => {
      child.once("error", () => resolve(127));
      child.once("close", (exitCode) => resolve(exitCode));
    });
    lines.flush();
    if (code !== 0) throw new BuildError(node.id, node.build, code);
  }
}
