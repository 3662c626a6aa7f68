import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { SHM_NODE_GYP_COMMAND, SHM_REBUILD_COMMAND } from "../src/index.js";
import { SHM_ADDON_PATH, loadShmAddon } from "../src/shm-addon.js";
import { segmentNames } from "./segment-names.js";

const names = segmentNames("addon");
afterAll(() => {
  expect(names.inShmDir()).toEqual([]);
});

describe("loadShmAddon", () => {
  it("loads the addon that the install script built", () => {
    const addon = loadShmAddon();
    expect(typeof addon.create).toBe("function");
    expect(loadShmAddon()).toBe(addon);
    expect(loadShmAddon(SHM_ADDON_PATH)).toBe(addon);
  });

  it("names the rebuild command when the addon file is missing", () => {
    const missing = join(tmpdir(), `rvl-no-addon-${process.pid}`, "rivulet_shm.node");
    expect(() => loadShmAddon(missing)).toThrowError(
      expect.objectContaining({
        name: "ShmAddonUnavailableError",
        addonPath: missing,
        rebuildCommand: SHM_REBUILD_COMMAND,
        cause: expect.objectContaining({ code: "MODULE_NOT_FOUND" }),
      }),
    );
    expect(SHM_REBUILD_COMMAND).toBe("npm rebuild @rivulet/transport-shm");
  });

  it("names the command the install script really runs", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { name: string; scripts: Record<string, string> };
    expect(manifest.scripts.install).toBe(SHM_NODE_GYP_COMMAND);
    expect(SHM_REBUILD_COMMAND).toBe(`npm rebuild ${manifest.name}`);
  });

  it("reports a file that is not a loadable addon the same way", () => {
    const dir = mkdtempSync(join(tmpdir(), "rvl-bad-addon-"));
    try {
      const path = join(dir, "rivulet_shm.node");
      writeFileSync(path, "not an ELF object");
      expect(() => loadShmAddon(path)).toThrowError(
        expect.objectContaining({ name: "ShmAddonUnavailableError", addonPath: path, cause: expect.objectContaining({ code: "ERR_DLOPEN_FAILED" }) }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a package whose addon was not built", () => {
  it("imports fine and throws ShmAddonUnavailableError on first use", async () => {
    // A copy of the built package (dist/) beside which there is no build/ folder. It lives in
    // the package folder so that its imports of @rivulet/core resolve as the real one's do.
    const packageDir = fileURLToPath(new URL("..", import.meta.url));
    const copy = mkdtempSync(join(packageDir, ".no-addon-"));
    try {
      cpSync(join(packageDir, "dist"), join(copy, "dist"), { recursive: true });
      const unbuilt = (await import(pathToFileURL(join(copy, "dist", "index.js")).href)) as typeof import("../src/index.js");
      expect(() => unbuilt.ShmSegment.create(names.fresh(), 1)).toThrowError(
        expect.objectContaining({
          name: "ShmAddonUnavailableError",
          addonPath: join(copy, "build", "Release", "rivulet_shm.node"),
          rebuildCommand: "npm rebuild @rivulet/transport-shm",
        }),
      );
      expect(names.sweep()).toEqual([]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe("the addon's own argument checks (the second line of defence behind ShmSegment)", () => {
  const addon = loadShmAddon();

  it.each(["rvl", "/", "/a/b", "/..", `/${"a".repeat(256)}`])("refuses name %j", (name) => {
    expect(() => addon.open(name)).toThrowError(expect.objectContaining({ name: "RangeError", code: "ERR_INVALID_ARG_VALUE" }));
  });

  it("refuses a name that is not a string, and a size that is not a positive integer", () => {
    expect(() => addon.open(5 as unknown as string)).toThrowError(expect.objectContaining({ name: "TypeError", code: "ERR_INVALID_ARG_TYPE" }));
    for (const size of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(() => addon.create(names.fresh(), size)).toThrowError(expect.objectContaining({ name: "RangeError", code: "ERR_INVALID_ARG_VALUE" }));
    }
    expect(names.sweep()).toEqual([]);
  });

  it("throws syscall failures with the errno name, number, call and segment name", () => {
    const name = names.fresh();
    expect(() => addon.unlink(name)).toThrowError(
      expect.objectContaining({ code: "ENOENT", errno: 2, syscall: "shm_unlink", segmentName: name }),
    );
  });
});
