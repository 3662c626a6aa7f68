import { spawnSync } from "node:child_process";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { RivuletError } from "./errors.js";
import type { TransportOptionIssue } from "./transport.js";

/** Where in a plugin's source a load failure happened, when Node tells. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

/**
 * A transport module was found but importing it failed (a syntax error, a throw at its top
 * level, a missing dependency of its own). `cause` is the error Node raised; `source` is where
 * it happened, when known. No package is suggested: the module exists and is broken.
 */
export class TransportModuleLoadError extends RivuletError {
  readonly source: SourceLocation | undefined;

  constructor(
    readonly kind: string,
    readonly module: string,
    options: { cause: unknown },
  ) {
    const cause = options.cause instanceof Error ? options.cause : new Error(String(options.cause));
    const source = sourceOf(cause, module);
    const at = source ? ` at ${source.file}:${source.line}${source.column ? `:${source.column}` : ""}` : "";
    super(`transport module '${kind}' failed to load: ${cause.name}: ${cause.message}${at}`, options);
    this.source = source;
  }
}

/** A transport module loaded, but its default export is neither a plugin nor a function returning one. */
export class NotATransportPluginError extends RivuletError {
  constructor(
    readonly kind: string,
    readonly module: string,
  ) {
    super(`transport module '${kind}' (${module}) does not default-export a transport plugin (an object with kind, plan and create, or a function returning one)`);
  }
}

/** `plan()` was given options its plugin rejects; `issues` are keyed by path inside the options. */
export class InvalidTransportOptionsError extends RivuletError {
  constructor(
    readonly kind: string,
    readonly issues: readonly TransportOptionIssue[],
  ) {
    super(`invalid options for the ${kind} transport: ${issues.map((i) => `${i.path.join(".") || "<options>"}: ${i.message}`).join("; ")}`);
  }
}

/**
 * Where a load failure happened. Node does not put the position of an ES module's syntax error
 * in the error (only in the text it prints when the error is uncaught), so for a syntax error
 * in a JavaScript file the file is checked again with `node --check`, whose first output line
 * is `<file>:<line>`. Other errors carry the position in their first stack frame in the module
 * itself (frames of Node's loader or of a test runner's are skipped).
 */
function sourceOf(error: Error, module: string): SourceLocation | undefined {
  let file: string;
  try {
    file = fileURLToPath(module);
  } catch {
    return undefined; // Not a file URL: nothing to point at.
  }
  if (error.name === "SyntaxError" && [".js", ".mjs", ".cjs"].includes(extname(file))) {
    const check = spawnSync(process.execPath, ["--check", file], { encoding: "utf8" });
    const match = /^(.+):(\d+)\r?\n/.exec(check.stderr ?? "");
    if (match) return { file: match[1]!, line: Number(match[2]) };
  }
  for (const line of (error.stack ?? "").split("\n")) {
    const frame = /(file:\/\/[^\s)]+):(\d+):(\d+)/.exec(line);
    if (frame && frame[1] === module) return { file, line: Number(frame[2]), column: Number(frame[3]) };
  }
  return undefined;
}
