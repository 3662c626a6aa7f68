import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { scratchFolder } from "./helpers/scratch.js";
import { bothRefuse, warningLines } from "./helpers/refusals.js";
import { RECEIVER, SENDER, tempDataflow } from "./helpers/temp-dataflow.js";

const TYPE_MODULE = '{ "type": "module" }\n';
const RELABELLED = readFileSync(new URL("./fixtures/transports/relabelled-unix.mjs", import.meta.url), "utf8");

/** A sender/receiver dataflow; `input` is the receiver's input entry, `top` text before `nodes:`. */
function twoNodes(input = "a: s/out", top = ""): string {
  return `${top}nodes:\n  - id: s\n    path: s.ts\n    outputs: [out]\n  - id: r\n    path: r.ts\n    inputs:\n      ${input}\n`;
}

describe("rivulet check refuses what rivulet run refuses", () => {
  // Every built-in kind is installed in this repository, so a kind that is not installed is
  // covered by the loader's own spec (UnknownTransportError); here a transport module that does
  // not load takes the same road, TransportUnavailableError located where it is named.
  it("a transport module that does not load, located at the input that names it", async () => {
    const dir = tempDataflow({ "dataflow.yml": twoNodes("a: { source: s/out, transport: ./no-such-transport.mjs }"), "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const errors = await bothRefuse(dir);
    expect(errors[0]).toMatch(/^error: TransportUnavailableError: .*dataflow\.yml:8:38: nodes\[1\]\.inputs\.a\.transport \(node 'r'\): transport module '\.\/no-such-transport\.mjs' failed to load/);
    // The README's "caused by": the causes are named, their messages not repeated.
    expect(errors[1]).toBe("  caused by: TransportModuleLoadError");
  });

  it("backpressure on an edge whose transport has no flow control, located at the input's queue_policy", async () => {
    // A unix wrapper that declares no flow control: drop_oldest on it is fine, backpressure is refused.
    const dropOnly = 'import { unix } from "@rivulet/transport-unix";\nexport default () => ({ ...unix(), kind: "drop-only", capabilities: { ...unix().capabilities, flowControl: false } });\n';
    const inputs = "a: { source: s/out, transport: ./drop-only.mjs, queue_policy: drop_oldest }\n      b: { source: s/out, transport: ./drop-only.mjs, queue_policy: backpressure }";
    const dir = tempDataflow({ "dataflow.yml": twoNodes(inputs), "drop-only.mjs": dropOnly, "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const errors = await bothRefuse(dir);
    expect(errors).toEqual([
      expect.stringMatching(/^error: UnsupportedQueuePolicyError: .*dataflow\.yml:9:55: nodes\[1\]\.inputs\.b\.queue_policy \(node 'r'\): queue_policy 'backpressure' needs flow control, which transport '\.\/drop-only\.mjs' does not provide; use drop_oldest or another transport$/),
    ]);
  });

  it("bad transport options, located at the option's key, with a did-you-mean", async () => {
    const top = "transports:\n  t: { kind: unix, foo: 1 }\n  mine:\n    kind: ./relabelled.mjs\n    lable: x\n";
    const dir = tempDataflow(
      { "dataflow.yml": twoNodes("a: { source: s/out, transport: t }\n      b: { source: s/out, transport: mine }", top), "relabelled.mjs": RELABELLED, "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": RECEIVER },
      { packages: true },
    );
    const errors = await bothRefuse(dir);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^error: TransportOptionError: .*dataflow\.yml:2:20: transports\.t\.foo: unknown option 'foo'/);
    expect(errors[1]).toMatch(/^error: TransportOptionError: .*dataflow\.yml:5:5: transports\.mine\.lable: unknown option 'lable'; did you mean 'label'\?/);
  });

  it("a node file with ES module syntax in a folder that is not an ES module package", async () => {
    const dir = tempDataflow({ "dataflow.yml": twoNodes(), "package.json": "{}\n", "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const errors = await bothRefuse(dir);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^error: NodeModuleTypeError: .*dataflow\.yml:3:11: nodes\[0\]\.path \(node 's'\): .*s\.ts uses ES module syntax .*"type": "module"/);
    expect(errors[1]).toMatch(/^error: NodeModuleTypeError: .*dataflow\.yml:6:11: nodes\[1\]\.path \(node 'r'\)/);
  });

  it("a node that imports a package not installed where Node would look", async () => {
    const dir = tempDataflow({ "dataflow.yml": twoNodes(), "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": `import "node:fs";\nimport type { X } from "not-needed-at-run-time";\n${RECEIVER}` });
    const errors = await bothRefuse(dir);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^error: UnresolvedImportError: .*dataflow\.yml:3:11: nodes\[0\]\.path \(node 's'\): s\.ts imports '@rivulet\/node', which is not installed/);
    expect(errors[1]).toMatch(/^error: UnresolvedImportError: .*dataflow\.yml:6:11: nodes\[1\]\.path \(node 'r'\): r\.ts imports '@rivulet\/node'/);
  });

  it("a CommonJS node that requires a package not installed, an ES module node that imports a package exporting only for require", async () => {
    const requires = 'const { Node } = require("@rivulet/node");\nconst pad = require("not-installed-anywhere");\n';
    const imports = 'import { Node } from "@rivulet/node";\nimport legacy from "require-only";\nnew Node();\n';
    const dataflow = "nodes:\n  - id: s\n    path: s.ts\n    outputs: [out]\n  - id: r\n    path: r.cjs\n    inputs:\n      a: s/out\n  - id: m\n    path: lib/m.mjs\n    inputs:\n      a: s/out\n";
    const dir = tempDataflow(
      {
        "dataflow.yml": dataflow,
        "package.json": TYPE_MODULE,
        "s.ts": SENDER,
        "r.cjs": requires,
        "lib/m.mjs": imports,
        "lib/node_modules/require-only/package.json": JSON.stringify({ name: "require-only", exports: { ".": { require: "./index.cjs" } } }),
        "lib/node_modules/require-only/index.cjs": "module.exports = 1;\n",
      },
      { packages: true },
    );
    const errors = await bothRefuse(dir);
    expect(errors).toEqual([
      expect.stringMatching(/^error: UnresolvedImportError: .*dataflow\.yml:6:11: nodes\[1\]\.path \(node 'r'\): r\.cjs requires 'not-installed-anywhere', which is not installed/),
      expect.stringMatching(/^error: UnloadablePackageError: .*dataflow\.yml:10:11: nodes\[2\]\.path \(node 'm'\): lib\/m\.mjs imports 'require-only', whose package\.json "exports" has no entry for import/),
    ]);
  });

  it("reports every problem together, in file order", async () => {
    const top = "transports:\n  t: { kind: unix, foo: 1 }\n";
    const dir = tempDataflow({ "dataflow.yml": twoNodes("a: { source: s/out, transport: ./no-such-transport.mjs }\n      b: { source: s/out, transport: t }", top), "package.json": "{}\n", "s.ts": SENDER, "r.ts": "console.log(1);\n" });
    const errors = await bothRefuse(dir);
    expect(errors.flatMap((e) => /^error: (\w+)/.exec(e)?.[1] ?? [])).toEqual(["TransportOptionError", "NodeModuleTypeError", "UnresolvedImportError", "TransportUnavailableError"]);
  });

  it("unimplemented keys: check prints the same located warnings as run", async () => {
    const dataflow = twoNodes("a: { source: s/out, input_timeout: 1.5 }").replace("    outputs: [out]\n", "    outputs: [out]\n    restart_policy: on-failure\n    send_stdout_as: log\n");
    const dir = tempDataflow({ "dataflow.yml": dataflow, "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const file = join(dir, "dataflow.yml");
    const check = await runCli(["check", file]);
    const run = await runCli(["run", file]);
    expect(check.code).toBe(0);
    expect(run.code).toBe(0);
    expect(warningLines(check.stderr)).toEqual([
      expect.stringMatching(/dataflow\.yml:5:5: nodes\[0\]\.restart_policy \(node 's'\): restart_policy 'on-failure' .*not implemented yet/),
      expect.stringMatching(/dataflow\.yml:6:5: nodes\[0\]\.send_stdout_as \(node 's'\): send_stdout_as is not implemented yet/),
      expect.stringMatching(/dataflow\.yml:10:27: nodes\[1\]\.inputs\.a\.input_timeout \(node 'r'\): input_timeout is not implemented yet/),
    ]);
    expect(warningLines(run.stderr)).toEqual(warningLines(check.stderr));
  });
});

describe("custom transports named by module path", () => {
  it("a plugin whose kind differs from its file name carries the dataflow: check passes, run delivers", async () => {
    const dir = tempDataflow(
      { "dataflow.yml": twoNodes("a: { source: s/out, transport: plugins/relabelled.mjs }"), "plugins/relabelled.mjs": RELABELLED, "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": RECEIVER },
      { packages: true },
    );
    const file = join(dir, "dataflow.yml");
    const check = await runCli(["check", file]);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
    // Run from another folder: the module path is resolved against the YAML's folder, in the daemon and in the nodes.
    const run = await runCli(["run", file]);
    expect(run.stderr).not.toContain("Error");
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").filter((line) => line.startsWith("[r] got"))).toEqual(["[r] got 0", "[r] got 1", "[r] got 2"]);
  });

  it("two named transports of one kind: each node creates one transport per name, with that name's options, and both edges deliver", async () => {
    const top = "transports:\n  one: { kind: ./relabelled.mjs, label: x }\n  two: { kind: ./relabelled.mjs, label: y }\n";
    const dir = tempDataflow(
      { "dataflow.yml": twoNodes("a: { source: s/out, transport: one }\n      b: { source: s/out, transport: two }", top), "relabelled.mjs": RELABELLED, "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": RECEIVER },
      { packages: true },
    );
    const run = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(run.code).toBe(0);
    const created = run.stderr.split("\n").filter((line) => line.includes("relabelled transport")).sort();
    expect(created).toEqual([
      "[r] relabelled transport 'one' created in node 'r' with label x",
      "[r] relabelled transport 'two' created in node 'r' with label y",
      "[s] relabelled transport 'one' created in node 's' with label x",
      "[s] relabelled transport 'two' created in node 's' with label y",
    ]);
    expect(run.stdout.split("\n").filter((line) => line.startsWith("[r] got")).sort()).toEqual(["[r] got 0", "[r] got 0", "[r] got 1", "[r] got 1", "[r] got 2", "[r] got 2"]);
  });

  it("a plugin with a syntax error: the SyntaxError is shown with its file and line, and no package is suggested", async () => {
    const broken = 'export default () => ({\n  kind: "broken",\n  plan() { return [] ,\n});\n';
    const dir = tempDataflow({ "dataflow.yml": twoNodes("a: { source: s/out, transport: ./broken-plugin.mjs }"), "broken-plugin.mjs": broken, "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const errors = await bothRefuse(dir);
    expect(errors.slice(1)).toEqual(["  caused by: TransportModuleLoadError", "  caused by: SyntaxError"]);
    expect(errors[0]).toMatch(/^error: TransportUnavailableError: .*dataflow\.yml:8:38: nodes\[1\]\.inputs\.a\.transport \(node 'r'\): transport module '\.\/broken-plugin\.mjs' failed to load: SyntaxError: .* at .*broken-plugin\.mjs:4$/);
    expect(errors[0]).not.toContain("install");
  });
});

describe("rivulet check plans into a temporary folder that it removes", () => {
  it("leaves nothing in TMPDIR, whether the check passes or fails", async () => {
    const dir = tempDataflow({ "dataflow.yml": twoNodes(), "s.ts": SENDER, "r.ts": RECEIVER, "package.json": TYPE_MODULE }, { packages: true });
    const bad = tempDataflow({ "dataflow.yml": twoNodes("a: s/nope"), "s.ts": SENDER, "r.ts": RECEIVER, "package.json": TYPE_MODULE }, { packages: true });
    const tmp = scratchFolder();
    const passed = await runCli(["check", join(dir, "dataflow.yml")], { env: { TMPDIR: tmp } });
    expect(passed.code).toBe(0);
    const failed = await runCli(["check", join(bad, "dataflow.yml")], { env: { TMPDIR: tmp } });
    expect(failed.code).toBe(1);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
