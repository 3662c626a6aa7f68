import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
