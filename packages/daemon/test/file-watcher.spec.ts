import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FileWatcher } from "../src/file-watcher.js";

let dir: string;
let watcher: FileWatcher | undefined;

afterEach(() => {
  watcher?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A temp folder holding `op.ts` (and `other.ts`), watched for `op.ts`. */
function watched(debounceMs = 20): { file: string; next: () => Promise<string> } {
  dir = mkdtempSync(join(tmpdir(), "rvl-watch-"));
  const file = join(dir, "op.ts");
  writeFileSync(file, "export default 1;\n");
  writeFileSync(join(dir, "other.ts"), "x\n");
  watcher = new FileWatcher({ files: [file], debounceMs });
  const changes = watcher[Symbol.asyncIterator]();
  return { file, next: async () => (await changes.next()).value as string };
}

/** Resolves to `timeout` when `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  return Promise.race([promise, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms))]);
}

describe("FileWatcher", () => {
  it("yields a file written in place", async () => {
    const { file, next } = watched();
    writeFileSync(file, "export default 2;\n");
    expect(await next()).toBe(file);
  });

  it("yields a file saved as editors do, a temporary file renamed over it, and again after that replaced its inode", async () => {
    const { file, next } = watched();
    writeFileSync(join(dir, ".op.ts.swp"), "export default 2;\n");
    renameSync(join(dir, ".op.ts.swp"), file);
    expect(await next()).toBe(file);
    // The original inode is gone: a watch on the file itself would be deaf from here on.
    writeFileSync(join(dir, "op.ts.tmp"), "export default 3;\n");
    renameSync(join(dir, "op.ts.tmp"), file);
    expect(await next()).toBe(file);
    writeFileSync(file, "export default 4;\n");
    expect(await next()).toBe(file);
  });

  it("yields nothing for a touch, a save of the same text, or another file of the folder; a burst of writes is one change", async () => {
    const { file, next } = watched();
    const first = next();
    utimesSync(file, new Date(), new Date());
    writeFileSync(file, "export default 1;\n");
    writeFileSync(join(dir, "other.ts"), "y\n");
    expect(await within(first, 300)).toBe("timeout");
    for (let i = 2; i < 6; i++) writeFileSync(file, `export default ${i};\n`);
    expect(await first).toBe(file);
    expect(await within(next(), 300)).toBe("timeout");
  });

  it("ends the iteration on close", async () => {
    const { next } = watched();
    const pending = next();
    watcher!.close();
    expect(await pending).toBeUndefined();
  });
});
