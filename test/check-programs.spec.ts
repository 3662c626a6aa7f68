import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { bothRefuse, errorLines, warningLines } from "./helpers/refusals.js";
import { RECEIVER, SENDER, tempDataflow } from "./helpers/temp-dataflow.js";

const TYPE_MODULE = '{ "type": "module" }\n';

/** A sender/receiver dataflow; `sender` is the sender node's keys after its id. */
function twoNodes(sender = "    path: s.ts\n    outputs: [out]\n", receiverPath = "r.ts"): string {
  return `nodes:\n  - id: s\n${sender}  - id: r\n    path: ${receiverPath}\n    inputs:\n      a: s/out\n`;
}

const received = (stdout: string): string[] => stdout.split("\n").filter((line) => line.startsWith("[r] got"));

describe("a build step that creates the node's program", () => {
  it("check notes the program will be built; run builds it first, then runs it", async () => {
    const sender = '    path: gen/sender.ts\n    build: "mkdir -p gen && cp sender.ts gen/sender.ts"\n    outputs: [out]\n';
    const dir = tempDataflow({ "dataflow.yml": twoNodes(sender), "package.json": TYPE_MODULE, "sender.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const file = join(dir, "dataflow.yml");
    const check = await runCli(["check", file]);
    expect(errorLines(check.stderr)).toEqual([]);
    expect(check.code).toBe(0);
    expect(warningLines(check.stderr)).toEqual([expect.stringMatching(/dataflow\.yml:3:11: nodes\[0\]\.path \(node 's'\): program 'gen\/sender\.ts' does not exist yet; its build .* is expected to create it/)]);
    const run = await runCli(["run", file]);
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    expect(received(run.stdout)).toEqual(["[r] got 0", "[r] got 1", "[r] got 2"]);
  });

  it("a program the build did not create is refused after the build, located at its path", async () => {
    const sender = '    path: gen/sender.ts\n    build: "echo building"\n    outputs: [out]\n';
    const dir = tempDataflow({ "dataflow.yml": twoNodes(sender), "package.json": TYPE_MODULE, "sender.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const run = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("[s] building");
    expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/^error: NodeProgramError: .*dataflow\.yml:3:11: nodes\[0\]\.path \(node 's'\): program 'gen\/sender\.ts' not found/)]);
  });

  it("a failing build is a BuildError at the node's build key, with the build's last output lines", async () => {
    const sender = "    path: s.ts\n    build: \"echo compiling; echo 'boom: bad thing' >&2; exit 3\"\n    outputs: [out]\n";
    const dir = tempDataflow({ "dataflow.yml": twoNodes(sender), "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const run = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: BuildError: .*dataflow\.yml:4:5: nodes\[0\]\.build \(node 's'\): build failed \(exit 3\): echo compiling.*; last output:\n\s+\| compiling\n\s+\| boom: bad thing\n/);
    expect(received(run.stdout)).toEqual([]);
  });
});

describe("rivulet check refuses the node programs rivulet run cannot start", () => {
  it("a bare name that is a folder beside the YAML is a NodeProgramError at its path", async () => {
    const dir = tempDataflow({ "dataflow.yml": twoNodes(undefined, "adir"), "package.json": TYPE_MODULE, "s.ts": SENDER }, { packages: true });
    mkdirSync(join(dir, "adir"));
    const errors = await bothRefuse(dir);
    expect(errors).toEqual([expect.stringMatching(/^error: NodeProgramError: .*dataflow\.yml:6:11: nodes\[1\]\.path \(node 'r'\): program 'adir' is a folder/)]);
  });

  it("a bare name found neither beside the YAML nor in PATH is a NodeProgramError", async () => {
    const dir = tempDataflow({ "dataflow.yml": twoNodes(undefined, "no-such-program-anywhere"), "package.json": TYPE_MODULE, "s.ts": SENDER }, { packages: true });
    const errors = await bothRefuse(dir);
    expect(errors).toEqual([expect.stringMatching(/^error: NodeProgramError: .*dataflow\.yml:6:11: nodes\[1\]\.path \(node 'r'\): program 'no-such-program-anywhere' not found.*PATH/)]);
  });

  it("a bare name that is an executable beside the YAML runs from there (path relative to the YAML)", async () => {
    const dir = tempDataflow({ "dataflow.yml": "nodes:\n  - id: plain\n    path: runme\n", runme: "#!/bin/sh\necho hello from runme\n" });
    chmodSync(join(dir, "runme"), 0o755);
    const file = join(dir, "dataflow.yml");
    expect((await runCli(["check", file])).code).toBe(0);
    const run = await runCli(["run", file]);
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("[plain] hello from runme");
  });

  it("a syntax error in a .ts node is a NodeSyntaxError located inside the node's file", async () => {
    const dir = tempDataflow({ "dataflow.yml": twoNodes(), "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": 'import { Node } from "@rivulet/node";\n\nconst node = new Node(;\n' }, { packages: true });
    const errors = await bothRefuse(dir);
    expect(errors).toEqual([expect.stringMatching(/^error: NodeSyntaxError: .*\/r\.ts:3:23: nodes\[1\]\.path \(node 'r'\): syntax error/)]);
  });

  it("a missing relative import, also one of a local module, is an UnresolvedImportError; imports tsx resolves are not", async () => {
    // `./lib/label.js` is lib/label.ts and `./util` is util/index.ts under tsx: neither is reported.
    const receiver = `import { label } from "./lib/label.js";\nimport { prefix } from "./util";\nimport "./helpers.js";\n${RECEIVER.replace('console.log("got"', "console.log(prefix + label")}`;
    const files = { "dataflow.yml": twoNodes(), "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": receiver, "lib/label.ts": 'export { label } from "./gone.js";\n', "util/index.ts": 'export const prefix = "";\n' };
    const dir = tempDataflow(files, { packages: true });
    const errors = await bothRefuse(dir);
    expect(errors).toEqual([
      expect.stringMatching(/^error: UnresolvedImportError: .*dataflow\.yml:6:11: nodes\[1\]\.path \(node 'r'\): r\.ts imports '\.\/helpers\.js', which does not exist/),
      expect.stringMatching(/^error: UnresolvedImportError: .*dataflow\.yml:6:11: nodes\[1\]\.path \(node 'r'\): lib\/label\.ts imports '\.\/gone\.js', which does not exist/),
    ]);
    // Once the two files exist, check agrees with the loader: check passes and run delivers.
    writeFileSync(join(dir, "helpers.ts"), "export {};\n");
    writeFileSync(join(dir, "lib/gone.ts"), 'export const label = "got";\n');
    const file = join(dir, "dataflow.yml");
    const check = await runCli(["check", file]);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
    const run = await runCli(["run", file]);
    expect(run.code).toBe(0);
    expect(received(run.stdout)).toEqual(["[r] got 0", "[r] got 1", "[r] got 2"]);
  });
});

describe("locations and messages of what check prints", () => {
  it("a missing program suggests the closest existing file", async () => {
    const dir = tempDataflow({ "dataflow.yml": twoNodes(undefined, "reciever.ts"), "package.json": TYPE_MODULE, "s.ts": SENDER, "receiver.ts": RECEIVER }, { packages: true });
    const errors = await bothRefuse(dir);
    expect(errors).toEqual([expect.stringMatching(/^error: NodeProgramError: .*dataflow\.yml:6:11: nodes\[1\]\.path \(node 'r'\): program 'reciever\.ts' not found .*; did you mean 'receiver\.ts'\?$/)]);
  });

  it("operator modules: check and run refuse the same missing module, wrong extension and unresolved import, at the module key, naming node and operator", async () => {
    const dataflow =
      "nodes:\n  - id: s\n    path: s.ts\n    outputs: [out]\n  - id: rt\n    operators:\n      - id: gone\n        typescript: gone.ts\n        inputs: { a: s/out }\n" +
      "      - id: wrong\n        typescript: wrong.js\n        inputs: { a: s/out }\n      - id: broken\n        javascript: broken.js\n        inputs: { a: s/out }\n";
    const files = { "dataflow.yml": dataflow, "package.json": TYPE_MODULE, "s.ts": SENDER, "wrong.js": "export default class {}\n", "broken.js": 'import { x } from "./helper";\nexport default class {}\n', "helper.js": "export const x = 1;\n" };
    const errors = await bothRefuse(tempDataflow(files, { packages: true }));
    expect(errors).toEqual([
      expect.stringMatching(/^error: OperatorModuleError: .*dataflow\.yml:8:21: nodes\[1\]\.operators\[0\]\.typescript \(node 'rt', operator 'gone'\): operator module 'gone\.ts' not found/),
      expect.stringMatching(/^error: OperatorModuleError: .*dataflow\.yml:11:21: nodes\[1\]\.operators\[1\]\.typescript \(node 'rt', operator 'wrong'\): a typescript operator module must end in \.ts, \.mts, \.cts; 'wrong\.js' does not \(write 'javascript: wrong\.js'\)/),
      // Plain Node loads a .js operator: an extensionless import does not resolve.
      expect.stringMatching(/^error: UnresolvedImportError: .*dataflow\.yml:14:21: nodes\[1\]\.operators\[2\]\.javascript \(node 'rt', operator 'broken'\): broken\.js imports '\.\/helper', which does not exist/),
    ]);
  });

  it("the deploy.machine warning of _unstable_deploy points at the machine key", async () => {
    const dir = tempDataflow({ "dataflow.yml": twoNodes("    path: s.ts\n    outputs: [out]\n    _unstable_deploy: { machine: a }\n"), "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const check = await runCli(["check", join(dir, "dataflow.yml")]);
    expect(check.code).toBe(0);
    expect(warningLines(check.stderr)).toContainEqual(expect.stringMatching(/dataflow\.yml:5:25: nodes\[0\]\._unstable_deploy\.machine \(node 's'\): .*not implemented yet/));
  });

  it("a bad env value names every kind env accepts", async () => {
    const dir = tempDataflow({ "dataflow.yml": twoNodes("    path: s.ts\n    outputs: [out]\n    env:\n      A: { b: 1 }\n"), "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const check = await runCli(["check", join(dir, "dataflow.yml")]);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/InvalidValueError: .*dataflow\.yml:6:10: nodes\[0\]\.env\.A \(node 's'\): expected string or number or boolean, got a mapping/);
  });
});

describe("errors of planning", () => {
  it("a plugin whose plan() throws is a PlanError located where the transport is named", async () => {
    const plugin = 'export default { kind: "throwing", plan() { throw new RangeError("no room for channels"); }, create() { throw new Error("not planned"); } };\n';
    const dataflow = twoNodes().replace("a: s/out", "a: { source: s/out, transport: ./throwing.mjs }");
    const dir = tempDataflow({ "dataflow.yml": dataflow, "throwing.mjs": plugin, "package.json": TYPE_MODULE, "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const errors = await bothRefuse(dir);
    expect(errors).toEqual([
      expect.stringMatching(/^error: PlanError: .*dataflow\.yml:8:38: nodes\[1\]\.inputs\.a\.transport \(node 'r'\): transport '\.\/throwing\.mjs': its plugin failed to plan: no room for channels$/),
      "  caused by: RangeError",
    ]);
  });
});

describe("rivulet graph --html", () => {
  it("a page that cannot be written is a named OutputFileError with the path", async () => {
    const dir = tempDataflow({ "dataflow.yml": twoNodes() });
    const target = join(dir, "no-such-folder", "g.html");
    const result = await runCli(["graph", join(dir, "dataflow.yml"), "--html", target]);
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)[0]).toBe(`error: OutputFileError: cannot write ${target} (ENOENT: its folder does not exist)`);
  });
});
