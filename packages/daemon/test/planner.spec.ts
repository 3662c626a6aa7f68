import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDescriptor, resolveGraph } from "@rivulet/descriptor";
import { unix } from "@rivulet/transport-unix";
import { describe, expect, it, onTestFinished } from "vitest";
import { planDataflow } from "../src/planner.js";

const YAML = `transports:
  custom: { kind: ./plugin.mjs }
nodes:
  - id: a
    path: a.ts
    outputs: [out]
  - id: b
    path: b.ts
    inputs:
      plain: a/out
      wrapped: { source: a/out, transport: custom }
`;

function runDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rvl-plan-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("planDataflow", () => {
  it("gives a channel the module its plugin was loaded from, so nodes load the same one; a passed-in plugin gets none", async () => {
    const graph = resolveGraph(parseDescriptor(YAML, "dataflow.yml").descriptor);
    const module = "file:///somewhere/plugin.mjs";
    const transports = new Map([
      ["unix", { plugin: unix() }],
      ["custom", { plugin: { ...unix(), kind: "other-kind" }, module }],
    ]);
    const configs = await planDataflow(graph, { dataflowId: "df", runDir: runDir(), controlSocket: "/c.sock", token: "t", transports });
    const b = configs.get("b")!;
    expect(b.inputs.find((i) => i.id === "plain")!.channel).not.toHaveProperty("module");
    expect(b.inputs.find((i) => i.id === "wrapped")!.channel).toMatchObject({ channel: "a/out", module });
    expect(configs.get("a")!.outputs[0]!.channels.map((c) => c.module)).toEqual([undefined, module]);
  });

  it("gives every planned channel its own id, from 1: the producer's channel and its consumer's input share it", async () => {
    const yaml = `${YAML}  - id: c
    path: c.ts
    outputs: [x]
    inputs:
      from_a: a/out
  - id: d
    path: d.ts
    inputs:
      from_c: c/x
`;
    const graph = resolveGraph(parseDescriptor(yaml, "dataflow.yml").descriptor);
    const transports = new Map([
      ["unix", { plugin: unix() }],
      ["custom", { plugin: { ...unix(), kind: "other-kind" }, module: "file:///p.mjs" }],
    ]);
    const configs = await planDataflow(graph, { dataflowId: "df", runDir: runDir(), controlSocket: "/c.sock", token: "t", transports });
    const outputs = [...configs.values()].flatMap((config) => config.outputs.flatMap((output) => output.channels));
    const ids = outputs.map((channel) => channel.channelId!);
    expect([...ids].sort()).toEqual([1, 2, 3]); // a/out on unix and on custom, c/x on unix
    for (const config of configs.values()) {
      for (const input of config.inputs) {
        if (!input.channel) continue;
        const output = outputs.find((c) => c.channel === input.channel!.channel && c.kind === input.channel!.kind && c.module === input.channel!.module)!;
        expect(input.channel.channelId).toBe(output.channelId);
      }
    }
    const b = configs.get("b")!;
    expect(b.inputs.find((i) => i.id === "plain")!.channel!.channelId).not.toBe(b.inputs.find((i) => i.id === "wrapped")!.channel!.channelId);
  });

  it("refuses a transport that preflight did not load, naming it", async () => {
    const graph = resolveGraph(parseDescriptor(YAML, "dataflow.yml").descriptor);
    const transports = new Map([["unix", { plugin: unix() }]]);
    await expect(planDataflow(graph, { dataflowId: "df", runDir: runDir(), controlSocket: "/c.sock", token: "t", transports })).rejects.toMatchObject({ name: "PlanError", transport: "custom" });
  });

  it("waits for an async plan() (a plugin that does I/O to plan), and names a rejection or a plan that never ends", async () => {
    const graph = resolveGraph(parseDescriptor(YAML, "dataflow.yml").descriptor);
    const base = unix();
    const plan = (custom: Partial<typeof base>) => planDataflow(graph, { dataflowId: "df", runDir: runDir(), controlSocket: "/c.sock", token: "t", planTimeoutMs: 200, transports: new Map([["unix", { plugin: base }], ["custom", { plugin: { ...base, ...custom }, module: "file:///p.mjs" }]]) });
    const delayed = await plan({ plan: async (request) => (await new Promise((r) => setImmediate(r)), base.plan(request)) });
    expect(delayed.get("b")!.inputs.find((i) => i.id === "wrapped")!.channel).toMatchObject({ channel: "a/out", kind: "unix", module: "file:///p.mjs" });
    const broker = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1883"), { name: "BrokerUnreachableError" });
    await expect(plan({ plan: () => Promise.reject(broker) })).rejects.toMatchObject({ name: "PlanError", transport: "custom", message: expect.stringContaining("ECONNREFUSED"), cause: broker });
    await expect(plan({ plan: () => new Promise(() => {}) })).rejects.toMatchObject({ name: "PlanError", transport: "custom", message: "transport 'custom': its plugin did not finish planning within 200 ms" });
  });

  it("names each channel's transport, and gives each node the kind and options of every transport its channels use, and no other", async () => {
    const yaml = `transports:
  one: { kind: ./plugin.mjs, label: x }
  two: { kind: ./plugin.mjs, label: y }
nodes:
  - id: a
    path: a.ts
    outputs: [out]
  - id: b
    path: b.ts
    inputs:
      first: { source: a/out, transport: one }
      second: { source: a/out, transport: two }
  - id: c
    path: c.ts
    inputs:
      plain: a/out
`;
    const graph = resolveGraph(parseDescriptor(yaml, "dataflow.yml").descriptor);
    const plugin = { ...unix(), kind: "relabelled", plan: (request: Parameters<ReturnType<typeof unix>["plan"]>[0]) => unix().plan({ ...request, options: {} }) };
    const transports = new Map([
      ["unix", { plugin: unix() }],
      ["one", { plugin, module: "file:///plugin.mjs" }],
      ["two", { plugin, module: "file:///plugin.mjs" }],
    ]);
    const configs = await planDataflow(graph, { dataflowId: "df", runDir: runDir(), controlSocket: "/c.sock", token: "t", transports });
    expect(configs.get("a")!.outputs[0]!.channels.map((c) => c.transport).sort()).toEqual(["one", "two", "unix"]);
    expect(configs.get("b")!.inputs.map((i) => [i.id, i.channel!.transport])).toEqual([["first", "one"], ["second", "two"]]);
    expect(configs.get("a")!.transports).toEqual({ unix: { kind: "unix", options: {} }, one: { kind: "./plugin.mjs", options: { label: "x" } }, two: { kind: "./plugin.mjs", options: { label: "y" } } });
    expect(configs.get("b")!.transports).toEqual({ one: { kind: "./plugin.mjs", options: { label: "x" } }, two: { kind: "./plugin.mjs", options: { label: "y" } } });
    expect(configs.get("c")!.transports).toEqual({ unix: { kind: "unix", options: {} } });
  });

  it("a runtime node's config: its operators with absolute module paths and their ids on the node; no channel for an edge between two of its operators", async () => {
    const yaml = `nodes:
  - id: src
    path: src.ts
    outputs: [out]
  - id: rt
    operators:
      - id: first
        typescript: ops/first.ts
        inputs:
          value: src/out
        outputs: [out]
      - id: second
        javascript: ops/second.js
        thread: worker
        inputs:
          value: rt/first/out
        outputs: [out, spare]
  - id: single
    operator:
      typescript: single.ts
      inputs:
        tick: dora/timer/millis/10
        value: rt/second/out
      outputs: [doubled]
`;
    const graph = resolveGraph(parseDescriptor(yaml, "/flows/demo/dataflow.yml").descriptor);
    const configs = await planDataflow(graph, { dataflowId: "df", runDir: runDir(), controlSocket: "/c.sock", token: "t", transports: new Map([["unix", { plugin: unix() }]]) });
    const rt = configs.get("rt")!;
    expect(rt.operators).toEqual([
      { id: "first", module: "/flows/demo/ops/first.ts", language: "typescript", thread: "shared", inputs: { value: "first/value" }, outputs: { out: "first/out" } },
      { id: "second", module: "/flows/demo/ops/second.js", language: "javascript", thread: "worker", inputs: { value: "second/value" }, outputs: { out: "second/out", spare: "second/spare" } },
    ]);
    expect(rt.inputs.map(({ id, source, producer, local, channel }) => ({ id, source, producer, local, channel: channel?.channel }))).toEqual([
      { id: "first/value", source: "src/out", producer: "src", local: undefined, channel: "src/out" },
      { id: "second/value", source: "rt/first/out", producer: "rt", local: true, channel: undefined },
    ]);
    // first/out feeds only second: no channel at all; second/out feeds single over unix; spare feeds nobody.
    expect(rt.outputs.map((o) => [o.id, o.channels.map((c) => c.channel)])).toEqual([
      ["first/out", []],
      ["second/out", ["rt/second/out"]],
      ["second/spare", []],
    ]);
    expect(configs.get("single")!.operators).toEqual([{ id: "op", module: "/flows/demo/single.ts", language: "typescript", thread: "shared", inputs: { tick: "tick", value: "value" }, outputs: { doubled: "doubled" } }]);
    expect(configs.get("single")!.inputs.map((i) => [i.id, i.source, i.local])).toEqual([["tick", "timer", undefined], ["value", "rt/second/out", undefined]]);
    expect(configs.get("src")).not.toHaveProperty("operators");
  });
});
