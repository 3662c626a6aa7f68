import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { bareSpecifierPackage, findPackageDir, resolvePackageEntry } from "../src/resolve-package.js";

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rvl-pkg-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Installs package `name` under `dir/node_modules` with this package.json (an object, or raw text). */
function install(dir: string, name: string, manifest: object | string): string {
  const pkg = join(dir, "node_modules", name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), typeof manifest === "string" ? manifest : JSON.stringify({ name, ...manifest }));
  return pkg;
}

const url = (dir: string, ...path: string[]) => pathToFileURL(join(dir, ...path)).href;

describe("bareSpecifierPackage", () => {
  it.each([
    [".", undefined],
    ["..", undefined],
    ["../up.js", undefined],
    ["C:thing", undefined],
    ["@scope/pkg/deep/file.js", "@scope/pkg"],
    ["pkg/sub/file.js", "pkg"],
    ["pkg", "pkg"],
    ["node:test", undefined],
    ["assert/strict", undefined],
    ["fs/not-a-submodule", undefined], // a built-in by its first part
  ])("'%s' names package %s", (specifier, expected) => {
    expect(bareSpecifierPackage(specifier)).toBe(expected);
  });
});

describe("findPackageDir", () => {
  it("finds the nearest node_modules/<name> with a package.json walking up, following a symlinked workspace", () => {
    const root = tempDir();
    const outer = install(root, "p", { main: "outer.js" });
    const deep = join(root, "a", "b", "c");
    mkdirSync(deep, { recursive: true });
    expect(findPackageDir("p", deep)).toBe(outer);
    const inner = install(join(root, "a"), "p", { main: "inner.js" });
    expect(findPackageDir("p", deep)).toBe(inner);
    mkdirSync(join(root, "a", "node_modules", "@s"), { recursive: true });
    symlinkSync(outer, join(root, "a", "node_modules", "@s", "linked"));
    expect(findPackageDir("@s/linked", deep)).toBe(outer);
    mkdirSync(join(root, "node_modules", "nomanifest"), { recursive: true });
    expect(findPackageDir("nomanifest", deep)).toBeUndefined();
  });
});

describe("resolvePackageEntry", () => {
  it("uses main, else index.js, when there are no exports", () => {
    const dir = tempDir();
    const withMain = install(dir, "m", { main: "lib/m.js" });
    expect(resolvePackageEntry("m", dir)).toBe(url(withMain, "lib/m.js"));
    const bare = install(dir, "b", { main: 3 });
    expect(resolvePackageEntry("b", dir)).toBe(url(bare, "index.js"));
  });

  it("picks exports['.'] under import, node or default, in the package's order, through arrays and nesting", () => {
    const dir = tempDir();
    const a = install(dir, "a", { exports: { ".": { types: "./a.d.ts", require: "./a.cjs", import: "./a.mjs", default: "./a.js" }, "./sub": "./sub.js" } });
    expect(resolvePackageEntry("a", dir)).toBe(url(a, "a.mjs"));
    const b = install(dir, "b", { exports: { node: { import: "./b-node.mjs" }, default: "./b.js" } });
    expect(resolvePackageEntry("b", dir)).toBe(url(b, "b-node.mjs"));
    const c = install(dir, "c", { exports: "./c.js", main: "./ignored.js" });
    expect(resolvePackageEntry("c", dir)).toBe(url(c, "c.js"));
    const d = install(dir, "d", { exports: [{ require: "./d.cjs" }, "./d.mjs"] });
    expect(resolvePackageEntry("d", dir)).toBe(url(d, "d.mjs"));
    const e = install(dir, "e", { exports: { ".": [{ browser: "./e-browser.js" }, { default: "./e.js" }] } });
    expect(resolvePackageEntry("e", dir)).toBe(url(e, "e.js"));
    const f = install(dir, "f", { exports: { require: { default: "./f.cjs" }, default: { node: "./f.mjs" } } });
    expect(resolvePackageEntry("f", dir)).toBe(url(f, "f.mjs"));
  });

  it("is undefined when the package is missing, its manifest unreadable, or it has no ESM entry", () => {
    const dir = tempDir();
    expect(resolvePackageEntry("missing", dir)).toBeUndefined();
    install(dir, "broken", "{ not json");
    expect(resolvePackageEntry("broken", dir)).toBeUndefined();
    install(dir, "cjs-only", { exports: { ".": { require: "./x.cjs" } } });
    expect(resolvePackageEntry("cjs-only", dir)).toBeUndefined();
    install(dir, "no-dot", { exports: { "./sub": "./sub.js" } });
    expect(resolvePackageEntry("no-dot", dir)).toBeUndefined();
    install(dir, "nulls", { exports: { ".": null } });
    expect(resolvePackageEntry("nulls", dir)).toBeUndefined();
    install(dir, "numbers", { exports: [7, { import: 8 }] });
    expect(resolvePackageEntry("numbers", dir)).toBeUndefined();
  });
});
