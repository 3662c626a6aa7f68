import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT } from "./helpers/cli.js";

const VITEST = join(ROOT, "node_modules/vitest/vitest.mjs");
const PROJECT = join(ROOT, "test/fixtures/vitest-project");
const SUMMARY = join(ROOT, "scripts/test-summary.mjs");

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[]): Promise<Exit> {
  // The child must not think it runs inside this vitest worker.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST") && key !== "TEST" && key !== "NODE_OPTIONS"));
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rvl-summary-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the deliberately failing fixture project with a real vitest; returns its exit and report. */
async function runFixture(report: string, ...args: string[]): Promise<Exit> {
  return run([VITEST, "run", "--root", PROJECT, `--outputFile.json=${report}`, ...args]);
}

const summaryLine = (out: string): string => out.trim().split("\n").at(-1)!;

describe("the CI summary line (scripts/test-summary.mjs)", () => {
  it("counts an unhandled rejection that vitest's own `success` ignores", async () => {
    const report = join(freshDir(), "report.json");
    const vitest = await runFixture(report, "leaks-a-rejection");
    expect(vitest.code).toBe(1);
    const summary = await run([SUMMARY, "--runner-exit", String(vitest.code), report]);
    expect(summaryLine(summary.stdout)).toBe("1 passed, 1 failed");
    expect(summary.code).toBe(1);
    expect(summary.stderr).toContain("unhandled error: RangeError");
  });

  it("counts a failed test, a file that breaks on import, an unhandled error and a failed benchmark run", async () => {
    const report = join(freshDir(), "report.json");
    const vitest = await runFixture(report);
    expect(vitest.code).toBe(1);
    const summary = await run([SUMMARY, "--runner-exit", String(vitest.code), report, "bench-quick=1"]);
    // passed: "passes" and the leaking test; failed: one test, one file, one unhandled error, the bench.
    expect(summaryLine(summary.stdout)).toBe("2 passed, 4 failed");
    expect(summary.code).toBe(1);
  });

  it("counts a non-zero exit of the runner that the report does not explain (stock JSON reporter)", async () => {
    const report = join(freshDir(), "report.json");
    const vitest = await runFixture(report, "leaks-a-rejection", "--reporter=default", "--reporter=json");
    expect(vitest.code).toBe(1);
    const summary = await run([SUMMARY, "--runner-exit", String(vitest.code), report]);
    expect(summaryLine(summary.stdout)).toBe("1 passed, 1 failed");
    expect(summary.code).toBe(1);
  });

  it("counts a run that left no report at all", async () => {
    const summary = await run([SUMMARY, "--runner-exit", "1", join(freshDir(), "missing.json"), "bench-quick=0"]);
    expect(summaryLine(summary.stdout)).toBe("1 passed, 1 failed");
    expect(summary.code).toBe(1);
  });

  it("says 0 failed and exits 0 only when the runner and every check succeeded", async () => {
    const report = join(freshDir(), "report.json");
    const vitest = await runFixture(report, "fails.check", "-t", "^passes$");
    expect(vitest.code).toBe(0);
    const summary = await run([SUMMARY, "--runner-exit", String(vitest.code), report, "bench-quick=0"]);
    expect(summaryLine(summary.stdout)).toBe("2 passed, 0 failed, 1 skipped");
    expect(summary.code).toBe(0);
  });
});
