import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../../test/helpers/cli.js";

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  types?: string;
  files?: string[];
  exports?: Record<string, string | { types?: string; import?: string }>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const read = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;
const lernaVersion = read<{ version: string }>(join(ROOT, "lerna.json")).version;
const workspaces = ["packages", "transports", "examples"]
  .flatMap((group) => readdirSync(join(ROOT, group)).map((name) => join(ROOT, group, name)))
  .concat([join(ROOT, "bench"), join(ROOT, "test")])
  .map((folder) => ({ folder, manifest: read<Manifest>(join(folder, "package.json")) }));

describe("package manifests", () => {
  it.each(workspaces.filter((w) => !w.manifest.private).map((w) => [w.manifest.name, w] as const))("%s is publishable", (_, { folder, manifest }) => {
    expect(manifest.version).toBe(lernaVersion);
    expect(manifest.license).toBe("Apache-2.0");
    expect(manifest.files).toEqual(expect.arrayContaining(["dist"]));
    expect(manifest.types).toBe("./dist/index.d.ts");
    // The node SDK also has a default condition, so a CommonJS node may require() it (Node >= 20.19).
    const entry = manifest.name === "@rivulet/node" ? { types: "./dist/index.d.ts", import: "./dist/index.js", default: "./dist/index.js" } : { types: "./dist/index.d.ts", import: "./dist/index.js" };
    expect(manifest.exports?.["."]).toEqual(entry);
    expect(existsSync(join(folder, "README.md"))).toBe(true);
    for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
      if (name.startsWith("@rivulet/")) expect(range, `${manifest.name} -> ${name}`).toBe(lernaVersion);
    }
  });

  it("keeps tests, examples and the benchmark private", () => {
    const mustBePrivate = workspaces.filter((w) => !w.folder.startsWith(join(ROOT, "packages")) && !w.folder.startsWith(join(ROOT, "transports")));
    expect(mustBePrivate.length).toBeGreaterThanOrEqual(3);
    for (const { manifest } of mustBePrivate) expect(manifest.private, manifest.name).toBe(true);
  });

  it("gives @rivulet/core an ./internal subpath", () => {
    const core = workspaces.find((w) => w.manifest.name === "@rivulet/core")!.manifest;
    expect(core.exports?.["./internal"]).toEqual({ types: "./dist/internal.d.ts", import: "./dist/internal.js" });
  });
});
