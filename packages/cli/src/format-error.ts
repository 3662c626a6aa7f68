import { DescriptorValidationError } from "@rivulet/descriptor";
import { PreflightError } from "@rivulet/daemon";
import { type Terminal, red } from "./terminal.js";

/** Formats an error that stopped a command before or while it ran, one problem per line. */
export function formatError(terminal: Terminal, error: unknown): string {
  if (error instanceof DescriptorValidationError) {
    const count = `${error.errors.length} error${error.errors.length === 1 ? "" : "s"}`;
    return `${red(terminal, "error")}: ${error.file}: ${count}\n${error.errors.map((e) => `  ${e.name}: ${e.message}${causes(e, "    ")}`).join("\n")}\n`;
  }
  if (error instanceof PreflightError) {
    return error.errors.map((e) => `${red(terminal, "error")}: ${e.name}: ${e.message}${causes(e, "  ")}\n`).join("");
  }
  if (error instanceof Error) {
    return `${red(terminal, "error")}: ${error.name}: ${error.message}${causes(error, "  ")}\n`;
  }
  return `${red(terminal, "error")}: ${String(error)}\n`;
}

/**
 * One `caused by:` line per error down the whole cause chain, stopping at a cycle. A cause
 * whose message is already part of what was printed (errors that wrap another usually quote
 * it) is named without repeating its message (`caused by: UnknownTransportError`), or left out
 * when it is not an Error and so has no name to add.
 */
export function causes(error: Error, indent: string): string {
  let printed = error.message;
  let text = "";
  const seen = new Set<unknown>([error]);
  for (let cause = error.cause; cause !== undefined && cause !== null && !seen.has(cause); cause = cause instanceof Error ? cause.cause : undefined) {
    seen.add(cause);
    const message = cause instanceof Error ? cause.message : String(cause);
    if (message !== "" && printed.includes(message)) {
      if (cause instanceof Error) text += `\n${indent}caused by: ${cause.name}`;
      continue;
    }
    text += `\n${indent}caused by: ${cause instanceof Error ? `${cause.name}: ` : ""}${message}`;
    printed += `\n${message}`;
  }
  return text;
}
