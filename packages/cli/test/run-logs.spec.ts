import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli } from "../../../test/helpers/cli.js";
import { pruneRunLogs } from "../src/run-logs.js";

function freshDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Run folders named like real ones, the i-th modified i minutes after the epoch of the test. */
function runFolders(out: string, count: number): string[] {
  const names = Array.from({ length: count }, () => randomUUID());
  names.forEach((name, i) => {
    mkdirSync(join(out, name), { recursive: true });
    const time = new Date(Date.UTC(2026, 0, 1, 0, i));
    utimesSync(join(out, name), time, time);
  });
  return names;
}

describe("pruneRunLogs", () => {
  it("keeps the newest N run folders and leaves anything else under out/ alone", async () => {
    const out = freshDir("rvl-prune-");
    const names = runFolders(out, 12);
    mkdirSync(join(out, "my-notes"));
    writeFileSync(join(out, "README.txt"), "mine");
    const removed = await pruneRunLogs(out, 10);
    expect(removed.sort()).toEqual(names.slice(0, 2).sort());
    expect(readdirSync(out).sort()).toEqual([...names.slice(2), "README.txt", "my-notes"].sort());
  });

  it("always keeps the current run, even when it is not among the newest", async () => {
    const out = freshDir("rvl-prune-");
    const names = runFolders(out, 4);
    await pruneRunLogs(out, 2, names[0]);
    expect(readdirSync(out).sort()).toEqual([names[0], names[3]].sort());
  });

  it("keeps everything with 0, and accepts a missing out/ folder", async () => {
    const out = freshDir("rvl-prune-");
    runFolders(out, 3);
    expect(await pruneRunLogs(out, 0)).toEqual([]);
    expect(readdirSync(out)).toHaveLength(3);
    expect(await pruneRunLogs(join(out, "missing"), 1)).toEqual([]);
  });
});

describe("rivulet run --keep-logs", () => {
  it("keeps only the newest run folders under the default out/ after each run", async () => {
    const dir = freshDir("rvl-keep-logs-");
    // A node without inputs or outputs: a plain process, so the folder needs no packages.
    writeFileSync(join(dir, "dataflow.yml"), "nodes:\n  - id: hello\n    path: hello.mjs\n");
    writeFileSync(join(dir, "hello.mjs"), "console.log('hello');\n");
    const out = join(dir, "out");
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await runCli(["run", join(dir, "dataflow.yml"), "--keep-logs", "2"], { defaultLogDir: true });
      expect(result.code, result.stderr).toBe(0);
      const folders = readdirSync(out);
      seen.push(...folders.filter((f) => !seen.includes(f)));
      expect(folders.length).toBe(Math.min(i + 1, 2));
    }
    expect(seen).toHaveLength(3);
    expect(existsSync(join(out, seen[0]!))).toBe(false);
  });
});
