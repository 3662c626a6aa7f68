import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { bareSpecifierPackage } from "../src/resolve-package.js";
import { isTransportModulePath, loadTransport, resolveTransportModule } from "../src/transport-loader.js";

const PLUGIN = "export default () => ({ kind: 'mine', plan: () => [], create: () => ({}) });\n";

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rvl-plugin-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Installs a package `@rivulet/transport-<kind>` into `dir/node_modules` with the given entry source. */
function installTransport(dir: string, kind: string, source: string): string {
  const pkg = join(dir, "node_modules", "@rivulet", `transport-${kind}`);
  mkdirSync(join(pkg, "dist"), { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: `@rivulet/transport-${kind}`, type: "module", exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.js" } } }));
  writeFileSync(join(pkg, "dist", "index.js"), source);
  return pathToFileURL(join(pkg, "dist", "index.js")).href;
}

/**
 * Runs `loadTransport` in a plain Node process on the built loader and returns the error it
 * throws as data: the test runner's own module loader wraps the errors Node raises on import.
 */
function loadFailureInNode(kind: string, baseDir: string): Record<string, unknown> {
  const loader = pathToFileURL(fileURLToPath(new URL("../dist/transport-loader.js", import.meta.url))).href;
  const script = `const { loadTransport } = await import(${JSON.stringify(loader)});
try { await loadTransport(${JSON.stringify(kind)}, {}, { baseDir: ${JSON.stringify(baseDir)} }); console.log("null"); }
catch (e) { console.log(JSON.stringify({ name: e.name, kind: e.kind, module: e.module, source: e.source, cause: { name: e.cause?.name } })); }`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  return JSON.parse(child.stdout) as Record<string, unknown>;
}

describe("transport loading", () => {
  it.each([
    ["./plugin.js", true],
    ["../x/plugin", true],
    ["/abs/plugin", true],
    ["my-plugin.js", true],
    ["plugin.mjs", true],
    ["plugin.ts", true],
    ["unix", false],
    ["broker", false],
  ])("%s is a module path: %s", (name, expected) => {
    expect(isTransportModulePath(name)).toBe(expected);
  });

  it("loads a plugin named by a bare file name relative to the base folder, and returns its module URL", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "my-plugin.mjs"), PLUGIN);
    const { plugin, module } = await loadTransport("my-plugin.mjs", {}, { baseDir: dir });
    expect(plugin.kind).toBe("mine");
    expect(module).toBe(pathToFileURL(join(dir, "my-plugin.mjs")).href);
  });

  it("loads a bare kind from the package @rivulet/transport-<kind> installed above the base folder", async () => {
    const dir = tempDir();
    const entry = installTransport(dir, "pigeon", PLUGIN);
    mkdirSync(join(dir, "flows", "one"), { recursive: true });
    const { plugin, module } = await loadTransport("pigeon", {}, { baseDir: join(dir, "flows", "one") });
    expect(plugin.kind).toBe("mine");
    expect(module).toBe(entry);
  });

  it("falls back to the caller's own package when the base folder has none", async () => {
    const installed = tempDir();
    const entry = installTransport(installed, "pigeon", PLUGIN);
    const caller = pathToFileURL(join(installed, "caller.js")).href;
    expect(resolveTransportModule("pigeon", { baseDir: tempDir(), fallbacks: [caller] })).toBe(entry);
  });

  it("prefers a plugin passed in for the kind, without a module", async () => {
    const mine = { kind: "unix", plan: () => [], create: () => ({}) as never };
    expect(await loadTransport("unix", { unix: mine }, { baseDir: tempDir() })).toEqual({ plugin: mine });
  });

  it("names a bare kind that is installed nowhere with UnknownTransportError", async () => {
    await expect(loadTransport("carrier-pigeon", { unix: { kind: "unix", plan: () => [], create: () => ({}) as never } }, { baseDir: tempDir() })).rejects.toMatchObject({
      name: "UnknownTransportError",
      kind: "carrier-pigeon",
      available: ["unix"],
    });
  });

  it("a module with a syntax error: TransportModuleLoadError with the SyntaxError as cause and its file and line", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "broken.mjs"), "export default () => ({\n  kind: 'x',\n  plan() { return [] ,\n});\n");
    expect(loadFailureInNode("./broken.mjs", dir)).toMatchObject({
      name: "TransportModuleLoadError",
      kind: "./broken.mjs",
      module: pathToFileURL(join(dir, "broken.mjs")).href,
      source: { file: join(dir, "broken.mjs"), line: 4 },
      cause: { name: "SyntaxError" },
    });
  });

  it("a module that throws at load: TransportModuleLoadError located at the throw", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "throws.mjs"), "const x = 1;\nthrow new RangeError('no ' + x);\n");
    expect(loadFailureInNode("./throws.mjs", dir)).toMatchObject({ name: "TransportModuleLoadError", source: { file: join(dir, "throws.mjs"), line: 2 }, cause: { name: "RangeError" } });
  });

  it("a missing module file is a TransportModuleLoadError, not an unknown kind", async () => {
    const error = await loadTransport("./nowhere.mjs", {}, { baseDir: tempDir() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "TransportModuleLoadError", kind: "./nowhere.mjs" });
  });

  it("a module that exports no plugin: NotATransportPluginError", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "empty.mjs"), "export const nothing = 1;\n");
    await expect(loadTransport("./empty.mjs", {}, { baseDir: dir })).rejects.toMatchObject({ name: "NotATransportPluginError", kind: "./empty.mjs" });
  });

  it.each([
    ["@rivulet/node", "@rivulet/node"],
    ["apache-arrow/Arrow.node", "apache-arrow"],
    ["node:fs", undefined],
    ["fs", undefined],
    ["fs/promises", undefined],
    ["./local.js", undefined],
    ["/abs.js", undefined],
    ["#internal", undefined],
    ["file:///x.js", undefined],
  ])("the package of import '%s' is %s", (specifier, expected) => {
    expect(bareSpecifierPackage(specifier)).toBe(expected);
  });
});
