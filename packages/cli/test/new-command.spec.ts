import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { CLI_VERSION } from "../src/cli-version.js";
import { TargetNotEmptyError, newCommand } from "../src/new-command.js";
import { captureTerminal } from "./terminal-capture.js";

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rvl-new-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("rivulet new", () => {
  it("scaffolds an ES module project depending on the @rivulet packages at the CLI's version", async () => {
    const project = join(freshDir(), "My Flow");
    expect(await newCommand(project, captureTerminal())).toBe(0);
    expect(readdirSync(project).sort()).toEqual([".gitignore", "README.md", "dataflow.yml", "package.json", "receiver.ts", "sender.ts", "test", "tsconfig.json"]);
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "my-flow", type: "module", dependencies: { "@rivulet/node": CLI_VERSION, "@rivulet/cli": CLI_VERSION } });
    expect(readdirSync(join(project, "test"))).toEqual(["dataflow.test.ts"]);
  });

  it("scaffolds a test that runs each node's code with runNode of @rivulet/node/testing, and passes, type-checked", async () => {
    const project = freshDir();
    expect(await newCommand(project, captureTerminal())).toBe(0);
    const test = readFileSync(join(project, "test/dataflow.test.ts"), "utf8");
    expect(test).toContain(`import { runNode } from "@rivulet/node/testing";`);
    expect(test).not.toContain("spawn");
    // The workspace's packages stand in for an install (packed-project.spec.ts installs the tarballs).
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    symlinkSync(join(root, "node_modules"), join(project, "node_modules"));
    const tested = spawnSync(process.execPath, ["--import", "tsx", "--test", "test/dataflow.test.ts"], { cwd: project, encoding: "utf8", timeout: 60_000 });
    expect(tested.status, tested.stdout + tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/# pass 2\n/);
    const typed = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "--noEmit"], { cwd: project, encoding: "utf8", timeout: 60_000 });
    expect(typed.status, typed.stdout).toBe(0);
  });

  it("scaffolds into an existing empty folder", async () => {
    const dir = freshDir();
    expect(await newCommand(dir, captureTerminal())).toBe(0);
    expect(readdirSync(dir)).toContain("dataflow.yml");
  });

  it("refuses a folder that has any entry, writing nothing", async () => {
    const dir = freshDir();
    writeFileSync(join(dir, ".env"), "KEEP=1\n");
    const error = await newCommand(dir, captureTerminal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetNotEmptyError);
    expect(error).toMatchObject({ name: "TargetNotEmptyError", path: dir, entries: [".env"] });
    expect(readdirSync(dir)).toEqual([".env"]);
  });

  it("refuses a path that is a file", async () => {
    const file = join(freshDir(), "taken");
    writeFileSync(file, "");
    await expect(newCommand(file, captureTerminal())).rejects.toMatchObject({ name: "TargetNotFolderError", path: file });
  });
});
