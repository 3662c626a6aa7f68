import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { DescriptorFileNotFoundError, DescriptorReadError, loadDescriptor } from "../src/index.js";

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rvl-load-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("loadDescriptor", () => {
  it("names a missing file DescriptorFileNotFoundError, with its path and the ENOENT cause", async () => {
    const path = join(freshDir(), "dataflow.yml");
    const error = await loadDescriptor(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DescriptorFileNotFoundError);
    expect(error).toMatchObject({ name: "DescriptorFileNotFoundError", path, cause: { code: "ENOENT" } });
  });

  it("names an unreadable path DescriptorReadError, with the cause", async () => {
    const dir = freshDir();
    const error = await loadDescriptor(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DescriptorReadError);
    expect(error).toMatchObject({ name: "DescriptorReadError", path: dir, cause: { code: "EISDIR" } });
  });
});
