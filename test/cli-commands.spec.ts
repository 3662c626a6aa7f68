import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT, fixture, runCli } from "./helpers/cli.js";

const bad = (name: string): string => join(ROOT, "test/fixtures/descriptors/bad", name);

describe("rivulet check", () => {
  it("accepts a valid dataflow and summarises it", async () => {
    const result = await runCli(["check", join(ROOT, "examples/timer/dataflow.yml")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("ok (2 nodes, 1 edge, 1 timer input)");
  });

  it("exits 1 listing every error with file:line:column, path and node", async () => {
    const result = await runCli(["check", bad("many-errors.yml")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("4 errors");
    expect(result.stderr).toMatch(/UnknownKeyError: .*many-errors\.yml:8:5: nodes\[0\]\.ouputs \(node 'sender'\): unknown key 'ouputs'; did you mean 'outputs'\?/);
    expect(result.stderr).toMatch(/UnknownSourceNodeError: .*many-errors\.yml:12:10: nodes\[1\]\.inputs\.a \(node 'receiver'\)/);
    expect(result.stderr).toMatch(/InvalidSourceError: .*many-errors\.yml:13:10/);
    expect(result.stderr).toMatch(/DuplicateIdError: .*many-errors\.yml:14:9/);
  });

  it("reports malformed YAML with its position", async () => {
    const result = await runCli(["check", bad("yaml-syntax.yml")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/YamlSyntaxError: .*yaml-syntax\.yml:6:\d+/);
  });

  it("reports a missing node program, naming the node and the YAML line", async () => {
    const result = await runCli(["check", fixture("missing-file")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/NodeProgramError: .*missing-file\/dataflow\.yml:6:11: nodes\[1\]\.path \(node 'receiver'\): program 'no-such-receiver\.ts' not found/);
  });

  it("reports a missing dataflow file, in check and in run", async () => {
    for (const command of ["check", "run"]) {
      const result = await runCli([command, "/nonexistent/dataflow.yml"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("DescriptorFileNotFoundError: /nonexistent/dataflow.yml");
    }
  });
});

describe("rivulet graph", () => {
  it("prints Mermaid text", async () => {
    const result = await runCli(["graph", join(ROOT, "examples/quickstart/dataflow.yml")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('flowchart TB\n  n_sender["sender"]\n  n_receiver["receiver"]\n  n_sender -- "message" --> n_receiver\n');
  });

  it("writes an HTML page that renders it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rvl-graph-"));
    const out = join(dir, "graph.html");
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const result = await runCli(["graph", join(ROOT, "examples/timer/dataflow.yml"), "--html", out]);
    expect(result.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const html = readFileSync(out, "utf8");
    expect(html).toContain('<pre class="mermaid">');
    expect(html).toContain("n_ticker -- &quot;count&quot; --&gt; n_printer".replace(/&quot;/g, '"'));
    expect(html).toContain("mermaid.initialize");
  });
});

describe("command line", () => {
  it("exits 2 on an unknown command or a bad duration", async () => {
    expect((await runCli(["frobnicate"])).code).toBe(2);
    const result = await runCli(["run", fixture("source-stop"), "--stop-after", "soon"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'soon' is not a duration");
  });

  it("passes args and env, runs in the YAML's folder, and forwards logs and stderr", async () => {
    const result = await runCli(["run", fixture("args-env")]);
    expect(result.code).toBe(0);
    const line = result.stdout.split("\n").find((l) => l.startsWith("[show] {"))!;
    expect(JSON.parse(line.slice("[show] ".length))).toEqual({ args: ["--name", "two words", "--n", "3"], greeting: "hello", count: "3", cwd: "args-env", id: "show", nodes: 1, settings: { threshold: 30.5, url: "http://127.0.0.1:8080/api", devices: ["dev-1", "dev-2"] } });
    expect(result.stdout).toContain('[show] INFO structured hello {"n":1}');
    expect(result.stderr).toContain("[show] a line on stderr");
    expect(result.stdout).toContain("[show] control socket 600 in folder 700, token 48 chars");
  });
});
