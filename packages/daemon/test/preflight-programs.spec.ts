import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runBuilds } from "../src/build-step.js";
import { BuildError, NodeProgramError } from "../src/daemon-errors.js";
import { PreflightError, preflight } from "../src/preflight.js";
import { NodeSyntaxError, UnresolvedImportError } from "../src/preflight-errors.js";

/** A fresh folder with `files`, a `package.json` with `"type": "module"` and a dataflow of them. */
function dataflow(yaml: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "rvl-preflight-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries({ ...files, "package.json": '{ "type": "module" }\n', "dataflow.yml": yaml })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return join(dir, "dataflow.yml");
}

/** The errors of a preflight that must fail. */
async function preflightErrors(file: string): Promise<readonly Error[]> {
  const error = await preflight(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PreflightError);
  return (error as PreflightError).errors;
}

describe("preflight of node programs", () => {
  it("a folder, a missing file (with a suggestion) and an unknown bare name are NodeProgramErrors located at path", async () => {
    const file = dataflow("nodes:\n  - id: a\n    path: adir\n  - id: b\n    path: tool.sh\n  - id: c\n    path: no-such-program-anywhere\n", { "adir/x": "", "tools.sh": "" });
    const errors = await preflightErrors(file);
    expect(errors.map((e) => ({ ...e }))).toEqual([
      expect.objectContaining({ name: "NodeProgramError", reason: "folder", program: "adir", file, line: 3, column: 11, yamlPath: "nodes[0].path", nodeId: "a" }),
      expect.objectContaining({ name: "NodeProgramError", reason: "missing", program: "tool.sh", suggestion: "tools.sh", line: 5, column: 11, yamlPath: "nodes[1].path", nodeId: "b" }),
      expect.objectContaining({ name: "NodeProgramError", reason: "missing", program: "no-such-program-anywhere", suggestion: undefined, line: 7, nodeId: "c" }),
    ]);
    expect(errors.every((e) => e instanceof NodeProgramError)).toBe(true);
  });

  it("a syntax error is located inside the node's file; a missing relative import names its specifier", async () => {
    const file = dataflow("nodes:\n  - id: a\n    path: a.ts\n  - id: b\n    path: b.mjs\n", { "a.ts": "const x = (;\n", "b.mjs": 'import "./helper.mjs";\n' });
    const errors = await preflightErrors(file);
    expect(errors[0]).toBeInstanceOf(NodeSyntaxError);
    expect(errors[0]).toMatchObject({ name: "NodeSyntaxError", program: "a.ts", file: join(dirname(file), "a.ts"), line: 1, column: 12, yamlPath: "nodes[0].path", nodeId: "a" });
    expect(errors[1]).toBeInstanceOf(UnresolvedImportError);
    expect(errors[1]).toMatchObject({ name: "UnresolvedImportError", program: "b.mjs", specifier: "./helper.mjs", packageName: undefined, importer: "b.mjs", line: 5, nodeId: "b" });
  });

  it("a plain Node file must import the exact file: `./x.js` for a `.ts` is resolved only under tsx; comments are not imports", async () => {
    const b = 'import "./x.js";\n// import "./old.js";\n/* import { y } from "./older.js"; */\n';
    const file = dataflow("nodes:\n  - id: a\n    path: a.mjs\n  - id: b\n    path: b.ts\n", { "a.mjs": 'import "./x.js";\n', "b.ts": b, "x.ts": "export {};\n" });
    const errors = await preflightErrors(file);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: "UnresolvedImportError", specifier: "./x.js", nodeId: "a" });
  });

  it("operator modules: missing, a folder, the other language's extension, then the program checks — each at its module key with node and operator", async () => {
    const yaml =
      "nodes:\n  - id: rt\n    operators:\n      - { id: gone, typescript: gone.ts }\n      - { id: dir, javascript: lib }\n      - { id: wrong, javascript: op.ts }\n      - { id: bad, typescript: bad.ts }\n" +
      "  - id: single\n    operator:\n      javascript: single.js\n";
    const file = dataflow(yaml, { "lib/x.js": "", "op.ts": "export default class {}\n", "bad.ts": "export default class {\n", "single.js": 'import "./missing.js";\nexport default class {}\n' });
    const errors = await preflightErrors(file);
    // In position order: the syntax error is located inside bad.ts (line 2), the rest in the YAML.
    expect(errors.map((e) => ({ ...e }))).toEqual([
      expect.objectContaining({ name: "NodeSyntaxError", file: join(dirname(file), "bad.ts"), line: 2, yamlPath: "nodes[0].operators[3].typescript", nodeId: "rt", operatorId: "bad" }),
      expect.objectContaining({ name: "OperatorModuleError", reason: "missing", module: "gone.ts", line: 4, column: 33, yamlPath: "nodes[0].operators[0].typescript", nodeId: "rt", operatorId: "gone" }),
      expect.objectContaining({ name: "OperatorModuleError", reason: "folder", module: "lib", line: 5, yamlPath: "nodes[0].operators[1].javascript", operatorId: "dir" }),
      expect.objectContaining({ name: "OperatorModuleError", reason: "extension", module: "op.ts", line: 6, yamlPath: "nodes[0].operators[2].javascript", operatorId: "wrong" }),
      expect.objectContaining({ name: "UnresolvedImportError", specifier: "./missing.js", line: 10, yamlPath: "nodes[1].operator.javascript", nodeId: "single", operatorId: "op" }),
    ]);
    expect(errors[3]!.message).toContain("(write 'typescript: op.ts')");
  });

  it("with a build step, the programs of built nodes are checked after the build; without, a missing one is a warning", async () => {
    const file = dataflow('nodes:\n  - id: a\n    path: gen/a.sh\n    build: "mkdir -p gen && cp a.sh gen/a.sh"\n', { "a.sh": "#!/bin/sh\n" });
    const checked = await preflight(file);
    expect(checked.warnings).toEqual([expect.objectContaining({ nodeId: "a", message: expect.stringContaining("nodes[0].path") })]);
    let built: string[] = [];
    const error = await preflight(file, { build: async (steps) => void (built = steps.map((s) => s.node.id)) }).catch((e: unknown) => e);
    expect(built).toEqual(["a"]);
    // The build was a no-op here, so the program is still missing — now an error, not a warning.
    expect((error as PreflightError).errors[0]).toMatchObject({ name: "NodeProgramError", reason: "missing", nodeId: "a" });
  });

  it("a failing build is a BuildError with its exit code, its last output lines and its build key's position", async () => {
    const file = dataflow('nodes:\n  - id: a\n    path: a.sh\n    build: "echo one; echo two >&2; exit 4"\n', { "a.sh": "" });
    const error = await preflight(file, { build: (steps, baseDir) => runBuilds(steps, baseDir, () => {}) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect(error).toMatchObject({ name: "BuildError", exitCode: 4, outputTail: ["one", "two"], command: "echo one; echo two >&2; exit 4", file, line: 4, column: 5, yamlPath: "nodes[0].build", nodeId: "a" });
  });

  it("a failing build keeps exactly the last 20 lines it printed (README), not the first nor more", async () => {
    const file = dataflow('nodes:\n  - id: a\n    path: a.sh\n    build: "for i in $(seq 1 30); do echo line$i; done; exit 2"\n', { "a.sh": "" });
    const error = await preflight(file, { build: (steps, baseDir) => runBuilds(steps, baseDir, () => {}) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).outputTail).toEqual(Array.from({ length: 20 }, (_, i) => `line${i + 11}`));
  });
});
