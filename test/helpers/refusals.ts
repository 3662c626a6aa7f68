import { join } from "node:path";
import { expect } from "vitest";
import { runCli } from "./cli.js";

/** The `error:` and `  caused by:` lines of a command's stderr, in order. */
export const errorLines = (text: string): string[] => text.split("\n").filter((line) => line.startsWith("error: ") || line.startsWith("  caused by: "));

/** The `rivulet: warning:` lines of a command's stderr, in order. */
export const warningLines = (text: string): string[] => text.split("\n").filter((line) => line.startsWith("rivulet: warning: "));

/**
 * Runs `rivulet check` and `rivulet run` on `dir`/dataflow.yml and asserts what a refusal means:
 * both exit 1, print at least one error and the same error lines, and run printed nothing on
 * stdout (no node ran). Returns the error lines.
 */
export async function bothRefuse(dir: string): Promise<string[]> {
  const file = join(dir, "dataflow.yml");
  const check = await runCli(["check", file]);
  const run = await runCli(["run", file]);
  expect(check.code).toBe(1);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe("");
  expect(errorLines(check.stderr).length).toBeGreaterThan(0);
  expect(errorLines(run.stderr)).toEqual(errorLines(check.stderr));
  return errorLines(check.stderr);
}
