import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { warningLines } from "./helpers/refusals.js";
import { scratchFolder } from "./helpers/scratch.js";
import { tempDataflow } from "./helpers/temp-dataflow.js";

// README "Quickstart": `.mjs`/`.mts` need no "type": "module"; "A CommonJS node (require) needs nothing".
const ESM_SENDER = `import { Node } from "@rivulet/node";\nconst node = new Node();\nfor (let i = 0; i < 3; i++) await node.sendOutput("out", [i]);\n`;
// A CommonJS node loads @rivulet/node with import(), or with require() (Node >= 20.19 requires ES modules).
const CJS_REQUIRE_RECEIVER = `const { Node } = require("@rivulet/node");\n(async () => {\n  const node = new Node();\n  for await (const event of node) if (event.type === "INPUT") console.log("required got", event.value.toArray().join(","));\n})();\n`;
const CJS_RECEIVER = `const { basename } = require("node:path");\n(async () => {\n  const { Node } = await import("@rivulet/node");\n  const node = new Node();\n  for await (const event of node) if (event.type === "INPUT") console.log(basename(__filename), "got", event.value.toArray().join(","));\n})();\n`;
const ESM_RECEIVER = `import { Node } from "@rivulet/node";\nconst node = new Node();\nfor await (const event of node) {\n  if (event.type === "INPUT") { console.log("mts got", event.value.toArray().join(",")); node.log("info", "logged hello", { k: 2 }); }\n}\n`;

function flow(files: Record<string, string>): string {
  const dataflow = `nodes:\n  - id: s\n    path: s.mjs\n    outputs: [out]\n  - id: c\n    path: c.js\n    inputs:\n      a: s/out\n  - id: m\n    path: m.mts\n    inputs:\n      a: s/out\n  - id: q\n    path: q.cjs\n    inputs:\n      a: s/out\n`;
  // No package.json at all: .mjs/.mts are ES modules by their extension, c.js is CommonJS by default.
  return join(tempDataflow({ "dataflow.yml": dataflow, ...files }, { packages: true }), "dataflow.yml");
}

describe("README: .mjs/.mts nodes need no \"type\": \"module\", a CommonJS node needs nothing", () => {
  it("check accepts them with no warning, and run delivers to each", async () => {
    const file = flow({ "s.mjs": ESM_SENDER, "c.js": CJS_RECEIVER, "m.mts": ESM_RECEIVER, "q.cjs": CJS_REQUIRE_RECEIVER });
    const check = await runCli(["check", file]);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
    const logDir = scratchFolder();
    const run = await runCli(["run", file, "--log-dir", logDir]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    for (let i = 0; i < 3; i++) expect(run.stdout).toContain(`[c] c.js got ${i}`);
    for (let i = 0; i < 3; i++) expect(run.stdout).toContain(`[m] mts got ${i}`);
    for (let i = 0; i < 3; i++) expect(run.stdout).toContain(`[q] required got ${i}`);
    // README: node.log is "shown with the node id, kept in the run's logs".
    expect(run.stdout).toContain('[m] INFO logged hello {"k":2}');
    expect(readdirSync(logDir).sort()).toEqual(["log_c.txt", "log_m.txt", "log_q.txt", "log_s.txt"]);
    expect(readFileSync(join(logDir, "log_m.txt"), "utf8")).toMatch(/^\[info\] logged hello \{"k":2\}$/m);
  });
});

describe("README: dora 0.x keys load with a deprecation warning", () => {
  it("check and run print the same located DeprecatedKeyWarnings, and the node under `custom` runs", async () => {
    const dataflow = `nodes:\n  - id: old\n    custom:\n      source: s.mjs\n      outputs: [out]\n  - id: m\n    path: m.mts\n    inputs:\n      a: old/out\n`;
    const file = join(tempDataflow({ "dataflow.yml": dataflow, "s.mjs": ESM_SENDER, "m.mts": ESM_RECEIVER }, { packages: true }), "dataflow.yml");
    const check = await runCli(["check", file]);
    const run = await runCli(["run", file]);
    expect(check.code).toBe(0);
    expect(run.code).toBe(0);
    expect(warningLines(check.stderr)).toEqual([expect.stringMatching(/dataflow\.yml:3:5: 'custom' is deprecated \(dora 0\.x\); use path, args, env, inputs and outputs on the node$/)]);
    expect(warningLines(run.stderr)).toEqual(warningLines(check.stderr));
    expect(run.stdout).toContain("[m] mts got 2");
  });
});
