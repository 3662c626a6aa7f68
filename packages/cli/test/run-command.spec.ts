import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { eventually, fixture, runCli, startCli } from "../../../test/helpers/cli.js";

function logDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rvl-run-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("rivulet run", () => {
  it("says a node was killed on the second interrupt, not that it outlived the grace", async () => {
    const run = startCli(["run", fixture("ignore-sigterm"), "--grace", "30s", "--log-dir", logDir()]);
    await eventually(() => run.output().includes("[immortal] ready"), 20_000, "the node to start");
    run.child.kill("SIGINT");
    await eventually(() => run.output().includes("stopping"), 5000, "stopping");
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("node 'immortal' killed on second interrupt");
    expect(result.stderr).not.toContain("did not exit within");
  });

  it("prints the stack trace of a node failing at start once", async () => {
    const result = await runCli(["run", fixture("crash-at-start"), "--log-dir", logDir()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("failed: node 'sender' exited with code 1");
    expect(result.stderr.match(/Error: boom at start/g)).toHaveLength(1);
    expect(result.stderr.match(/loading the model failed/g)).toHaveLength(1);
  });

  it("names a missing dataflow file with DescriptorFileNotFoundError and its path", async () => {
    const missing = join(logDir(), "no-such.yml");
    const result = await runCli(["run", missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`DescriptorFileNotFoundError: ${missing}`);
  });
});
