import { readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, resolve } from "node:path";
import type { DescriptorErrorInit } from "@rivulet/descriptor";
import { moduleTypeProblem } from "./module-type.js";
import { packageProblems, staticImports } from "./node-imports.js";
import { NodeModuleTypeError, NodeSyntaxError, UnloadablePackageError, UnresolvedImportError } from "./preflight-errors.js";

/** The most local files followed from one node's program; a guard against generated trees. */
const MAX_LOCAL_MODULES = 500;

/** Extensions a file imported as `./x.js` (etc.) may really have under tsx, first match wins. */
const TSX_SWAPS: Record<string, string[]> = { ".js": [".ts", ".tsx"], ".jsx": [".tsx"], ".mjs": [".mts"], ".cjs": [".cts"] };
/** Extensions tsx tries for an extensionless import, and for a folder's index file. */
const TSX_EXTENSIONS = [".ts", ".tsx", ".js", ".jsx", ".mts", ".mjs", ".cts", ".cjs", ".json"];
/** Files esbuild can parse, with its loader. */
const LOADERS: Record<string, "ts" | "tsx" | "js" | "jsx"> = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "jsx" };

/**
 * What would stop a node's `.ts`/`.js` program as it loads, found without running it: its module
 * format (`NodeModuleTypeError`), a syntax error in it or in a local module it imports
 * (`NodeSyntaxError`, located in that file), and imports that do not resolve — packages, and
 * relative files resolved as the node's loader would (tsx for TypeScript: `./x.js` may be
 * `./x.ts`, extensionless and folder-index imports work; plain Node for JavaScript: the exact
 * file) (`UnresolvedImportError`). Follows relative imports through local files (not into
 * `node_modules`, at most `MAX_LOCAL_MODULES`). An unreadable file is left to Node to report.
 * @param at where the node's `path` is written.
 */
export async function nodeSourceErrors(script: string, program: string, at: DescriptorErrorInit & { nodeId: string }): Promise<Error[]> {
  const errors: Error[] = [];
  const viaTsx = [".ts", ".mts", ".cts", ".tsx"].includes(extname(script));
  const queue = [script];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const file = queue.shift()!;
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch {
      continue; // Unreadable: Node reports it when the node starts, as for any file it cannot open.
    }
    const shown = file === script ? program : join(dirname(program), relative(dirname(script), file));
    if (file === script) {
      const problem = moduleTypeProblem(script, source);
      if (problem) errors.push(new NodeModuleTypeError(program, problem, at));
    }
    const parsed = await parse(file, source, program, at);
    if (parsed instanceof NodeSyntaxError) {
      errors.push(parsed);
      continue; // Its imports are not trustworthy, and Node stops at the syntax error anyway.
    }
    // The imports of the code as the loader emits it: without comments, and without the imports
    // TypeScript erases (type-only, or unused), which the node never loads either.
    for (const { name, via, problem } of packageProblems(file, parsed)) {
      errors.push(problem === "missing" ? new UnresolvedImportError(program, name, at, shown, undefined, via) : new UnloadablePackageError(program, name, via, at, shown));
    }
    for (const specifier of staticImports(parsed)) {
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) continue;
      const target = resolveRelative(dirname(file), specifier, viaTsx);
      if (target === undefined) errors.push(new UnresolvedImportError(program, specifier, at, shown, viaTsx ? "tsx" : "node"));
      else if (!seen.has(target) && seen.size < MAX_LOCAL_MODULES && LOADERS[extname(target)] && !target.includes("/node_modules/")) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return errors;
}

/** The file a relative import names, as tsx (`viaTsx`) or plain Node would find it; undefined when none. */
export function resolveRelative(fromDir: string, specifier: string, viaTsx: boolean): string | undefined {
  const target = resolve(fromDir, specifier.replace(/[?#].*$/, ""));
  if (isFile(target)) return target;
  if (!viaTsx) return undefined; // Node's ES module loader takes the exact file only.
  const ext = extname(target);
  for (const swap of TSX_SWAPS[ext] ?? []) {
    const candidate = target.slice(0, -ext.length) + swap;
    if (isFile(candidate)) return candidate;
  }
  for (const candidate of [...TSX_EXTENSIONS.map((e) => target + e), ...TSX_EXTENSIONS.map((e) => resolve(target, `index${e}`))]) {
    if (isFile(candidate)) return candidate;
  }
  if (isFile(resolve(target, "package.json"))) return resolve(target, "package.json"); // A folder package: its `main` is Node's business.
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * `file` as esbuild (the compiler tsx runs) turns it into JavaScript, or the first syntax error
 * it finds, located in the file. A file esbuild has no loader for is returned as it is.
 */
async function parse(file: string, source: string, program: string, at: DescriptorErrorInit & { nodeId: string }): Promise<string | NodeSyntaxError> {
  const loader = LOADERS[extname(file)];
  if (!loader) return source;
  const { transform } = await import("esbuild");
  try {
    return (await transform(source, { loader, sourcefile: file, logLevel: "silent" })).code;
  } catch (failure) {
    const first = (failure as { errors?: { text: string; location: { line: number; column: number } | null }[] }).errors?.[0];
    if (!first) throw failure;
    const location = first.location ?? { line: 1, column: 0 };
    return new NodeSyntaxError(program, first.text, { ...at, file, line: location.line, column: location.column + 1 });
  }
}
