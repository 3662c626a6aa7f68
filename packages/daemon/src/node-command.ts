import { accessSync, constants, statSync } from "node:fs";
import { extname, isAbsolute, resolve } from "node:path";
import type { NodeDescriptor } from "@rivulet/descriptor";
import { NodeProgramError } from "./daemon-errors.js";

/** How to start a node's program. */
export interface NodeCommand {
  command: string;
  args: string[];
  /** The JavaScript or TypeScript file Node runs, for the checks that read it; absent for executables. */
  script?: string;
}

const tsxLoader = import.meta.resolve("tsx");

/**
 * The command for a node: `.ts` files run in Node with the tsx loader (one process, no
 * wrapper), `.js`/`.mjs`/`.cjs` in Node, anything else as an executable (a path relative to
 * the dataflow's folder, or a bare name looked up in PATH).
 * @throws NodeProgramError when the file is missing, is a folder, or is not executable.
 */
export function nodeCommand(node: NodeDescriptor, baseDir: string, file: string): NodeCommand {
  const program = node.path!;
  const fail = (detail: string): never => {
    throw new NodeProgramError(node.id, program, file, node.line, detail);
  };
  const isBareName = !program.includes("/") && extname(program) === "";
  if (isBareName) return { command: program, args: node.args };
  const path = isAbsolute(program) ? program : resolve(baseDir, program);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    fail(`program '${program}' not found (looked for ${path})`);
  }
  if (!isFile) fail(`program '${program}' is not a file (${path})`);
  switch (extname(path)) {
    case ".ts":
    case ".mts":
    case ".cts":
      return { command: process.execPath, args: ["--import", tsxLoader, path, ...node.args], script: path };
    case ".js":
    case ".mjs":
    case ".cjs":
      return { command: process.execPath, args: [path, ...node.args], script: path };
    default:
      try {
        accessSync(path, constants.X_OK);
      } catch {
        fail(`program '${program}' is not executable (chmod +x ${path}, or use a .ts/.js file)`);
      }
      return { command: path, args: node.args };
  }
}
