import { type SpawnOptions, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { CLI, ROOT } from "../../../test/helpers/cli.js";

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (killed after `timeoutMs`), keeping its output. */
function run(command: string, args: string[], options: SpawnOptions & { timeoutMs: number }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every workspace package that is not private, as [folder, name]. */
function publishable(): [string, string][] {
  const folders = ["packages", "transports"].flatMap((group) => readdirSync(join(ROOT, group)).map((name) => join(ROOT, group, name)));
  return folders
    .map((folder) => [folder, JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { name: string; private?: boolean }] as const)
    .filter(([, pkg]) => !pkg.private)
    .map(([folder, pkg]) => [folder, pkg.name]);
}

describe("packages outside this repository", () => {
  it("packs every package, scaffolds with rivulet new outside the repo, installs the tarballs and runs the dataflow", { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "rvl-packed-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    expect(dir.startsWith(ROOT)).toBe(false);
    const tarballs = join(dir, "tarballs");
    mkdirSync(tarballs);
    const env = { ...process.env, NO_COLOR: "1", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };

    const packages = publishable();
    expect(packages.map(([, name]) => name)).toEqual(expect.arrayContaining(["@rivulet/core", "@rivulet/node", "@rivulet/cli", "@rivulet/transport-unix"]));
    const packed = await run("npm", ["pack", "--pack-destination", tarballs, ...packages.flatMap(([folder]) => ["-w", folder])], { cwd: ROOT, env, timeoutMs: 120_000 });
    expect(packed.code, packed.stderr).toBe(0);
    const files = readdirSync(tarballs);
    expect(files).toHaveLength(packages.length);
    for (const file of files) {
      const listing = await run("tar", ["-tzf", join(tarballs, file)], { timeoutMs: 30_000 });
      expect(listing.stdout.split("\n"), file).toEqual(expect.arrayContaining(["package/package.json", "package/README.md", "package/dist/index.js", "package/dist/index.d.ts"]));
    }

    const project = join(dir, "my-flow");
    const scaffolded = await run(process.execPath, [CLI, "new", project], { env, timeoutMs: 30_000 });
    expect(scaffolded.code, scaffolded.stderr).toBe(0);
    // The compliance suite is for transport authors (it brings vitest); a dataflow project needs the rest.
    const needed = files.filter((f) => !f.includes("transport-compliance")).map((f) => join(tarballs, f));
    const installed = await run("npm", ["install", ...needed], { cwd: project, env, timeoutMs: 400_000 });
    expect(installed.code, installed.stderr).toBe(0);

    const result = await run("npx", ["rivulet", "run", "dataflow.yml"], { cwd: project, env, timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    const received = result.stdout.split("\n").filter((line) => line.startsWith("[receiver] Received message: "));
    expect(received).toEqual(Array.from({ length: 10 }, (_, i) => `[receiver] Received message: ${i}`));

    // The scaffold's own test and type check pass too.
    const tested = await run("npm", ["test"], { cwd: project, env, timeoutMs: 120_000 });
    expect(tested.code, tested.stdout + tested.stderr).toBe(0);
    const typed = await run("npx", ["tsc", "--noEmit"], { cwd: project, env, timeoutMs: 120_000 });
    expect(typed.code, typed.stdout).toBe(0);
  });
});
