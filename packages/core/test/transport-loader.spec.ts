import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { isTransportModulePath, loadTransport } from "../src/transport-loader.js";

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

  it("loads a plugin named by a bare file name relative to the base folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rvl-plugin-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "my-plugin.mjs"), "export default () => ({ kind: 'mine', plan: () => [], create: () => ({}) });\n");
    const plugin = await loadTransport("my-plugin.mjs", {}, dir);
    expect(plugin.kind).toBe("mine");
  });

  it("names an unknown kind with UnknownTransportError", async () => {
    await expect(loadTransport("carrier-pigeon", { unix: { kind: "unix", plan: () => [], create: () => ({}) as never } })).rejects.toMatchObject({
      name: "UnknownTransportError",
      kind: "carrier-pigeon",
      available: ["unix"],
    });
  });
});
