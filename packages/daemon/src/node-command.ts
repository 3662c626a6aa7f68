import { accessSync, constants, readdirSync, statSync } from "node:fs";
import { basename, delimiter, dirname, extname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type DescriptorErrorInit, type NodeDescriptor, didYouMean } from "@rivulet/descriptor";
import { builtinMain } from "./builtin-nodes.js";
import { NodeProgramError, type NodeProgramProblem } from "./daemon-errors.js";

/** How to start a node's program. */
export interface NodeCommand {
  command: string;
  args: string[];
  /** The JavaScript or TypeScript file Node runs, for the checks that read it; absent for executables. */
  script?: string;
}

const tsxLoader = import.meta.resolve("tsx");
/** The runtime node's process: hosts a node's operators (`operator:` / `operators:`). */
const runtimeMain = fileURLToPath(import.meta.resolve("@rivulet/runtime/main"));

/**
 * The command for a node: a runtime node (`operator:`, `operators:`) runs the @rivulet/runtime
 * process in Node with the tsx loader (its operators may be .ts); `.ts` files run in Node with
 * the tsx loader (one process, no wrapper), `.js`/`.mjs`/`.cjs` in Node, anything else as an
 * executable. A path is relative to
 * the dataflow's folder (as in dora); a bare name (no `/`, no extension) that exists there is
 * used from there, otherwise it is looked up in PATH.
 * @param at where the node's `path` is written, for the errors.
 * @throws NodeProgramError (`reason`) when the file is missing — with the closest existing name
 *   as `suggestion` — is a folder, or is not executable; a bare name found neither beside the
 *   YAML nor in PATH is missing.
 */
export function nodeCommand(node: NodeDescriptor, baseDir: string, at: DescriptorErrorInit & { nodeId: string }): NodeCommand {
  if (node.kind === "runtime") return { command: process.execPath, args: ["--import", tsxLoader, runtimeMain, ...node.args] };
  if (node.kind === "builtin") return { command: process.execPath, args: [builtinMain(node.builtin!), ...node.args] };
  const program = node.path!;
  const fail = (reason: NodeProgramProblem, detail: string, suggestion?: string): never => {
    throw new NodeProgramError(reason, program, detail, at, suggestion);
  };
  const path = isAbsolute(program) ? program : resolve(baseDir, program);
  let stats;
  try {
    stats = statSync(path);
  } catch {
    if (isBareName(program)) {
      if (inPath(program)) return { command: program, args: node.args };
      fail("missing", `program '${program}' not found, neither in the dataflow's folder (${path}) nor in PATH`, closeName(program, path));
    }
    fail("missing", `program '${program}' not found (looked for ${path})`, closeName(program, path));
  }
  if (stats!.isDirectory()) fail("folder", `program '${program}' is a folder, not a program (${path})`);
  if (!stats!.isFile()) fail("not-executable", `program '${program}' is not a file (${path})`);
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
        fail("not-executable", `program '${program}' is not executable (chmod +x ${path}, or use a .ts/.js file)`);
      }
      return { command: path, args: node.args };
  }
}

/** A name the shell would look up in PATH: no folder part and no extension. */
function isBareName(program: string): boolean {
  return !program.includes("/") && extname(program) === "";
}

/** True when an executable file of that name is in one of PATH's folders. */
function inPath(name: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      const candidate = join(dir, name);
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK);
        return true;
      }
    } catch {
      // Not here (or not executable): the shell would go on to the next folder too.
    }
  }
  return false;
}

/** The closest existing entry to a missing file's name in its folder (a typo), as the YAML would write it. */
function closeName(program: string, path: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dirname(path));
  } catch {
    return undefined; // The folder is missing too: nothing close to suggest.
  }
  const match = didYouMean(basename(path), entries);
  return match === undefined ? undefined : join(dirname(program), match);
}
