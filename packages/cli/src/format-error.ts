import { DescriptorValidationError } from "@rivulet/descriptor";
import { PreflightError } from "@rivulet/daemon";
import { type Terminal, red } from "./terminal.js";

/** Formats an error that stopped a command before or while it ran, one problem per line. */
export function formatError(terminal: Terminal, error: unknown): string {
  if (error instanceof DescriptorValidationError) {
    const count = `${error.errors.length} error${error.errors.length === 1 ? "" : "s"}`;
    return `${red(terminal, "error")}: ${error.file}: ${count}\n${error.errors.map((e) => `  ${e.name}: ${e.message}`).join("\n")}\n`;
  }
  if (error instanceof PreflightError) {
    return error.errors.map((e) => `${red(terminal, "error")}: ${e.name}: ${e.message}\n`).join("");
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `\n  caused by: ${error.cause.message}` : "";
    return `${red(terminal, "error")}: ${error.name}: ${error.message}${cause}\n`;
  }
  return `${red(terminal, "error")}: ${String(error)}\n`;
}
