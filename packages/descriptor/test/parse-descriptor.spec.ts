import { readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import * as descriptorPackage from "../src/index.js";
import { DescriptorError, type DescriptorValidationError, parseDescriptor, resolveGraph } from "../src/index.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/descriptors");
const bad = readdirSync(join(fixtures, "bad")).filter((f) => f.endsWith(".yml"));

function parseFixture(dir: "good" | "bad", name: string) {
  const file = join(fixtures, dir, name);
  return parseDescriptor(readFileSync(file, "utf8"), file);
}

/** Every error class of a rule: the package's exported subclasses of DescriptorError. */
const ruleClasses = Object.entries(descriptorPackage)
  .filter(([, value]) => typeof value === "function" && value.prototype instanceof DescriptorError)
  .map(([name]) => name);

/** Where the source raises each rule's error: `file:line` of every `new <RuleClass>(`. */
function raiseSites(): { site: string; className: string; text: string }[] {
  const src = join(import.meta.dirname, "../src");
  return readdirSync(src)
    .filter((file) => file.endsWith(".ts") && file !== "descriptor-errors.ts")
    .flatMap((file) =>
      readFileSync(join(src, file), "utf8")
        .split("\n")
        .flatMap((text, i) => [...text.matchAll(/\bnew (\w+)\(/g)].filter((m) => ruleClasses.includes(m[1]!)).map((m) => ({ site: `${file}:${i + 1}`, className: m[1]!, text }))),
    );
}

/** The `file:line` that constructed an error: the top frame of its stack (source-mapped by vitest). */
function siteOf(error: Error): string {
  const frame = /\(?([^\s()]+\.ts):(\d+):\d+\)?/.exec(error.stack!.split("\n").find((line) => line.trim().startsWith("at ") && !line.includes("descriptor-errors.ts"))!)!;
  return `${basename(frame[1]!)}:${frame[2]}`;
}

/** Sites no fixture can reach, each with the test that covers it instead. */
const NO_FIXTURE = [{ file: "parse-descriptor.ts", raises: "cannot read the dataflow file", coveredBy: "test/cli-commands.spec.ts: reports a missing dataflow file" }];

function errorsOf(name: string): DescriptorError[] {
  try {
    parseFixture("bad", name);
  } catch (error) {
    return [...(error as DescriptorValidationError).errors];
  }
  return [];
}

describe("one bad fixture per rule, enforced", () => {
  it("every error class the package exports is raised by at least one bad fixture", () => {
    expect(ruleClasses.length).toBeGreaterThanOrEqual(11);
    const raised = new Set(bad.flatMap((name) => errorsOf(name).map((e) => e.name)));
    expect(ruleClasses.filter((name) => !raised.has(name))).toEqual([]);
  });

  it("every place in the source that raises a rule's error is reached by a bad fixture", () => {
    const sites = raiseSites();
    expect(sites.length).toBeGreaterThanOrEqual(ruleClasses.length);
    const reached = new Set(bad.flatMap((name) => errorsOf(name).map(siteOf)));
    const exempt = (s: { site: string; text: string }): boolean => NO_FIXTURE.some((n) => s.site.startsWith(`${n.file}:`) && s.text.includes(n.raises));
    // A failure here names a rule without a fixture: add test/fixtures/descriptors/bad/<rule>.yml.
    expect(sites.filter((s) => !reached.has(s.site) && !exempt(s)).map((s) => `${s.site} ${s.className}`)).toEqual([]);
  });
});

describe("bad descriptors", () => {

  it.each(bad)("%s reports exactly the expected errors, positioned", (name) => {
    const text = readFileSync(join(fixtures, "bad", name), "utf8");
    const expected = [...text.matchAll(/^# expect: (\S+) (\S+) (\d+) (.+)$/gm)].map((m) => ({
      name: m[1],
      yamlPath: m[2] === "-" ? "" : m[2],
      line: Number(m[3]),
      nodeId: m[4] === "-" ? undefined : m[4],
    }));
    expect(expected.length).toBeGreaterThan(0);
    let error: DescriptorValidationError | undefined;
    try {
      parseFixture("bad", name);
    } catch (e) {
      error = e as DescriptorValidationError;
    }
    expect(error?.name).toBe("DescriptorValidationError");
    const got = error!.errors.map((e) => ({ name: e.name, yamlPath: e.yamlPath, line: e.line, nodeId: e.nodeId }));
    expect(got).toEqual(expected);
    for (const e of error!.errors) {
      expect(e.file).toContain(name);
      expect(e.column).toBeGreaterThan(0);
      expect(e.message).toContain(`${name}:${e.line}:${e.column}`);
    }
  });

  it("suggests the closest key, node and output", () => {
    const messages = (name: string): string => {
      try {
        parseFixture("bad", name);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(messages("unknown-node-key.yml")).toContain("did you mean 'outputs'?");
    expect(messages("unknown-input-key.yml")).toContain("did you mean 'queue_size'?");
    expect(messages("unknown-source-node.yml")).toContain("did you mean 'sender'?");
    expect(messages("unknown-source-output.yml")).toContain("did you mean 'message'?");
    expect(messages("unknown-transport.yml")).toContain("did you mean 'zeromq'?");
  });
});

describe("good descriptors", () => {
  it("converts every key to the camelCase descriptor", () => {
    const { descriptor, warnings } = parseFixture("good", "full.yml");
    expect(warnings).toEqual([]);
    const camera = descriptor.nodes.find((n) => n.id === "camera")!;
    expect(camera).toMatchObject({
      kind: "process",
      path: "camera.ts",
      args: ["--fps", "30", "--name", "front cam"],
      env: { LEVEL: "3", DEBUG: "true" },
      build: "echo building",
      outputs: ["image"],
      transport: "shm",
      restartPolicy: "on-failure",
      maxRestarts: 3,
      restartDelaySecs: 0.5,
      deploy: { machine: "robot" },
      line: 5,
    });
    expect(camera.inputs[0]).toMatchObject({ id: "tick", source: { kind: "timer", timer: { periodNs: 33_000_000 } }, queueSize: 10, queuePolicy: "drop_oldest" });
    const detector = descriptor.nodes.find((n) => n.id === "detector")!;
    expect(detector.kind).toBe("runtime");
    expect(detector.operators[0]).toMatchObject({ id: "op", language: "typescript", path: "detector.ts", outputs: ["bbox"] });
    expect(detector.operators[0]!.inputs[0]).toMatchObject({ id: "image", queueSize: 2, inputTimeoutSecs: 1.5, transport: "unix" });
    expect(descriptor.nodes.find((n) => n.id === "runtime")!.outputs).toEqual(["filter/kept"]);
    expect(descriptor.nodes.find((n) => n.id === "clock")).toMatchObject({ kind: "timer", outputs: ["tick"], timer: { periodNs: 1e9 } });
    expect(descriptor.transports.broker).toEqual({ name: "broker", kind: "mqtt", options: { url: "mqtt://127.0.0.1:1883", qos: 1 } });
  });

  it("resolves edges with the transport precedence input > producer > dataflow", () => {
    const graph = resolveGraph(parseFixture("good", "full.yml").descriptor);
    const edge = (consumer: string, input: string) => graph.edges.find((e) => e.consumer === consumer && e.input === input);
    expect(edge("detector", "image")).toMatchObject({ channel: "camera/image", transport: { kind: "unix" } });
    expect(edge("runtime", "filter/bbox")).toMatchObject({ channel: "detector/bbox", transport: { kind: "unix" } });
    expect(edge("sink", "kept")).toMatchObject({ channel: "runtime/filter/kept", transport: { name: "broker", kind: "mqtt" } });
    expect(graph.timers.map((t) => `${t.consumer}.${t.input}:${t.timer.periodNs}`).sort()).toEqual([
      "camera.tick:33000000",
      "sink.clock:1000000000",
      "sink.slow:400000000",
    ]);
    expect(graph.nodes.map((n) => n.id)).not.toContain("clock");
  });

  it("lets consumers name every kind of declared output: a timer node's tick, a single operator's, node/operator/output, dora 0.x custom", () => {
    const { descriptor, warnings } = parseFixture("good", "declared-outputs.yml");
    expect(warnings.map((w) => w.yamlPath)).toEqual(["nodes[3].custom"]);
    const graph = resolveGraph(descriptor);
    expect(graph.edges.filter((e) => e.consumer === "sink").map((e) => `${e.input}<-${e.channel}`).sort()).toEqual([
      "one<-single/out",
      "three<-legacy/old",
      "two<-runtime/op/result",
    ]);
    expect(graph.timers.map((t) => `${t.consumer}.${t.input}`)).toEqual(["sink.tick"]);
  });

  it("accepts dora 0.x keys with deprecation warnings", () => {
    const { descriptor, warnings } = parseFixture("good", "dora-legacy.yml");
    expect(warnings.map((w) => [w.name, w.yamlPath, w.line, w.nodeId])).toEqual([
      ["DeprecatedKeyWarning", "communication", 1, undefined],
      ["DeprecatedKeyWarning", "nodes[0].custom", 5, "old"],
      ["DeprecatedKeyWarning", "nodes[1]._unstable_deploy", 12, "sink"],
    ]);
    expect(descriptor.nodes[0]).toMatchObject({ path: "old.ts", args: ["--x", "1"], env: { A: "b" }, outputs: ["out"] });
  });
});
