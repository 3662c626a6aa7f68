import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { moduleTypeProblem, usesModuleSyntax } from "../src/module-type.js";
import { packageProblems, requireCalls, staticImports } from "../src/node-imports.js";

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "rvl-module-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("module format of node files", () => {
  it.each([
    ['import { Node } from "@rivulet/node";', true],
    ["import * as fs from 'node:fs';", true],
    ['import "./side-effect.js";', true],
    ["export const x = 1;", true],
    ["await main();", true],
    ["for await (const e of node) {}", true],
    ["console.log(import.meta.url);", true],
    ['const fs = require("node:fs");\nconst m = await import("x");', false],
    ["async function f() {\n  await g();\n}", false],
    ["// import x from 'y'", false],
  ])("%j uses ES module syntax: %s", (source, expected) => {
    expect(usesModuleSyntax(source)).toBe(expected);
  });

  it("an ES module .ts file under a package.json without type module is a problem; with it, or as .mts, it is not", () => {
    const esm = 'import { Node } from "@rivulet/node";\n';
    const cjs = tempDir({ "package.json": "{}", "a.ts": esm, "b.mts": esm, "c.js": 'require("x");\n' });
    expect(moduleTypeProblem(join(cjs, "a.ts"), esm)).toContain(join(cjs, "package.json"));
    expect(moduleTypeProblem(join(cjs, "b.mts"), esm)).toBeUndefined();
    expect(moduleTypeProblem(join(cjs, "c.js"), 'require("x");\n')).toBeUndefined();
    const module = tempDir({ "package.json": '{ "type": "module" }', "a.ts": esm });
    expect(moduleTypeProblem(join(module, "a.ts"), esm)).toBeUndefined();
  });
});

describe("imports of node files", () => {
  it("lists static imports and re-exports, not type-only imports or dynamic imports", () => {
    const source = [
      'import { Node } from "@rivulet/node";',
      "import type { Table } from 'apache-arrow';",
      'import "./local.js";',
      'export { x } from "other-pkg/sub";',
      'export * from "star-pkg";',
      'import {\n  a,\n  b,\n} from "multi-line";',
      'const later = await import("dynamic");',
    ].join("\n");
    expect(staticImports(source)).toEqual(["@rivulet/node", "./local.js", "other-pkg/sub", "star-pkg", "multi-line"]);
  });

  it("reports packages not installed in a node_modules above the file", () => {
    const source = 'import a from "present";\nimport b from "absent/deep";\nimport c from "node:fs";\nimport d from "fs";\n';
    const dir = tempDir({ "n.ts": source });
    mkdirSync(join(dir, "node_modules", "present"), { recursive: true });
    writeFileSync(join(dir, "node_modules", "present", "package.json"), '{ "name": "present" }');
    expect(packageProblems(join(dir, "n.ts"), source)).toEqual([{ name: "absent", via: "import", problem: "missing" }]);
  });

  it("lists require() calls with a literal specifier, not methods named require or dynamic ones", () => {
    const source = 'const a = require("a");\nconst { b } = require ( \'@s/b/sub\' );\nmodule.require("not-this");\nrequire(name);\nconst x = myrequire("nor-this");\n';
    expect(requireCalls(source)).toEqual(["a", "@s/b/sub"]);
  });

  it("reports a package whose exports have no entry for the way the file loads it, and a required package that is missing", () => {
    const dir = tempDir({});
    const install = (name: string, exports: unknown) => {
      mkdirSync(join(dir, "node_modules", name), { recursive: true });
      writeFileSync(join(dir, "node_modules", name, "package.json"), JSON.stringify({ name, exports }));
    };
    install("esm-only", { ".": { import: "./index.js" } });
    install("cjs-only", { ".": { require: "./index.cjs" } });
    install("both", { ".": { import: "./index.js", default: "./index.cjs" } });
    install("plain", undefined);
    const esm = 'import a from "esm-only";\nimport b from "cjs-only";\nimport c from "both";\nimport d from "plain";\nimport e from "cjs-only/sub";\n';
    writeFileSync(join(dir, "e.mjs"), esm);
    expect(packageProblems(join(dir, "e.mjs"), esm)).toEqual([{ name: "cjs-only", via: "import", problem: "no-entry" }]);
    const cjs = 'const a = require("esm-only");\nconst b = require("cjs-only");\nconst c = require("both");\nconst d = require("plain");\nconst e = require("gone");\n';
    writeFileSync(join(dir, "c.cjs"), cjs);
    expect(packageProblems(join(dir, "c.cjs"), cjs)).toEqual([
      { name: "esm-only", via: "require", problem: "no-entry" },
      { name: "gone", via: "require", problem: "missing" },
    ]);
  });
});
