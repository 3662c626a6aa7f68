import { describe, expect, it } from "vitest";
import { type Node, type NodeEvent } from "../src/index.js";
import { runNode } from "../src/testing/index.js";

/** A node that doubles every number it gets on any input and forwards the parameters. */
async function doubler(node: Node): Promise<void> {
  for await (const event of node) {
    if (event.type === "INPUT") await node.sendOutput("doubled", event.value.toArray().map((x: number) => x * 2), event.metadata);
  }
}

/** Every event a program reads, in order. */
async function readAll(node: Node, seen: NodeEvent[]): Promise<void> {
  for await (const event of node) seen.push(event);
}

describe("runNode", () => {
  it("runs a node against scripted inputs and records what it sent, decoded, with its parameters", async () => {
    const run = await runNode(doubler, {
      events: [
        { id: "numbers", value: [1, 2, 3], metadata: { frame: 7 } },
        { id: "numbers", value: new Float64Array([10]) },
      ],
      outputs: ["doubled"],
    });
    expect(run.outputs.map((o) => o.rows)).toEqual([[2, 4, 6], [20]]);
    expect(run.outputs[0]).toMatchObject({ id: "doubled", metadata: { parameters: { frame: 7 } } });
    expect(run.outputs[0]!.value.length).toBe(3);
    expect(run.outputs[1]!.metadata.timestamp).toBeGreaterThan(run.outputs[0]!.metadata.timestamp);
    expect(run.stats.outputs.doubled).toMatchObject({ sent: 2, discarded: 0 });
    expect(run.stats.inputs.numbers).toEqual({ received: 2, dropped: 0, discarded: 0, flushed: 0, pending: 0 });
  });

  it("ends the stream as a real node's: INPUT_CLOSED for each open input, then STOP all-inputs-closed", async () => {
    const seen: NodeEvent[] = [];
    await runNode((node) => readAll(node, seen), { events: [{ id: "a", value: 1 }, { type: "INPUT_CLOSED", id: "a" }, { id: "b", value: "x" }] });
    expect(seen.map((e) => [e.type, "id" in e ? e.id : undefined])).toEqual([
      ["INPUT", "a"],
      ["INPUT_CLOSED", "a"],
      ["INPUT", "b"],
      ["INPUT_CLOSED", "b"],
      ["STOP", undefined],
    ]);
    expect(seen.at(-1)).toMatchObject({ type: "STOP", reason: "all-inputs-closed" });
  });

  it("gives INPUT events the real shape: lazy value, data, rows(), metadata with typed fields, retain/release", async () => {
    const seen: NodeEvent[] = [];
    await runNode((node) => readAll(node, seen), {
      events: [
        { id: "in", value: { id: "dev-1", t: 21.5 }, fields: { requestId: 42n, fin: true } },
        { id: "in", value: Uint8Array.of(1, 2, 3) },
        { id: "in" },
      ],
    });
    const [record, raw, empty] = seen as Extract<NodeEvent, { type: "INPUT" }>[];
    expect(record!.rows()).toEqual([{ id: "dev-1", t: 21.5 }]);
    expect(record!.metadata).toMatchObject({ requestId: 42n, fin: true, parameters: {} });
    expect([...raw!.data]).toEqual([1, 2, 3]);
    expect(empty!.value.length).toBe(0);
    expect(() => record!.retain()).not.toThrow();
    expect(() => record!.release()).not.toThrow();
  });

  it("rejects a send on an undeclared output with UndeclaredOutputError naming node, output and the declared ones", async () => {
    const run = runNode((node) => node.sendOutput("nope", [1]), { outputs: ["out"], nodeId: "n" });
    await expect(run).rejects.toMatchObject({ name: "UndeclaredOutputError", nodeId: "n", outputId: "nope", declared: ["out"] });
  });

  it("accepts any output id when none are declared", async () => {
    const run = await runNode((node) => node.sendOutput("anything", "hello"));
    expect(run.outputs).toMatchObject([{ id: "anything", rows: ["hello"] }]);
  });

  it("fails a send whose value cannot be encoded, as the real encoding does", async () => {
    await expect(runNode((node) => node.sendOutput("out", [1, "a"]))).rejects.toMatchObject({ name: "UnsupportedValueError" });
    await expect(runNode((node) => node.sendOutput("out", [1], { bad: Number.NaN }))).rejects.toMatchObject({ name: "InvalidParameterError", key: "bad" });
  });

  it("orders STOP when the program reads it: node.signal aborts then, and later sends are discarded and counted", async () => {
    const before: boolean[] = [];
    const run = await runNode(
      async (node) => {
        for await (const event of node) {
          before.push(node.signal.aborted);
          if (event.type === "INPUT") await node.sendOutput("out", [1]);
        }
        expect(node.signal.aborted).toBe(true);
        await node.sendOutput("out", [2]);
      },
      { events: [{ id: "in", value: 1 }, { type: "STOP" }], outputs: ["out"] },
    );
    expect(before).toEqual([false, true]);
    expect(run.outputs).toHaveLength(1);
    expect(run.stats.outputs.out).toMatchObject({ sent: 1, discarded: 1 });
    expect(run.reports).toMatchObject([{ type: "log", level: "info" }]);
  });

  it("stops a source node after stopAfterOutputs sends, through node.signal", async () => {
    const run = await runNode(
      async (node) => {
        let i = 0;
        while (!node.signal.aborted) await node.sendOutput("counter", [i++]);
      },
      { outputs: ["counter"], stopAfterOutputs: 3 },
    );
    expect(run.outputs.map((o) => o.rows)).toEqual([[0], [1], [2]]);
  });

  it("a source without inputs reads STOP manual", async () => {
    const seen: NodeEvent[] = [];
    await runNode((node) => readAll(node, seen));
    expect(seen).toMatchObject([{ type: "STOP", reason: "manual" }]);
  });

  it("follows NODE_FAILED with INPUT_CLOSED for the inputs it fed, and passes ERROR events on", async () => {
    const seen: NodeEvent[] = [];
    const error = new Error("bad frame");
    await runNode((node) => readAll(node, seen), {
      inputs: ["a", "b"],
      events: [
        { type: "ERROR", id: "a", error },
        { type: "NODE_FAILED", sourceNodeId: "up", error: "exited with code 1", affectedInputIds: ["a"] },
      ],
    });
    expect(seen.map((e) => e.type)).toEqual(["ERROR", "NODE_FAILED", "INPUT_CLOSED", "INPUT_CLOSED", "STOP"]);
    expect(seen[0]).toMatchObject({ id: "a", error });
    expect(seen[2]).toMatchObject({ id: "a" });
  });

  it("refuses a script no node could receive with ScriptError naming the step", async () => {
    const noop = () => {};
    await expect(runNode(noop, { events: [{ type: "STOP" }, { id: "in", value: 1 }] })).rejects.toMatchObject({ name: "ScriptError", index: 1, reason: "after-stop" });
    await expect(runNode(noop, { inputs: ["in"], events: [{ id: "other", value: 1 }] })).rejects.toMatchObject({ name: "ScriptError", index: 0, reason: "undeclared-input" });
    await expect(runNode(noop, { events: [{ type: "INPUT_CLOSED", id: "in" }, { id: "in", value: 1 }] })).rejects.toMatchObject({ name: "ScriptError", index: 1 });
  });

  it("counts the events a program left unread as discarded, and closes the node when the program throws", async () => {
    const run = await runNode(async (node) => void (await node.recv()), { events: [{ id: "in", value: 1 }, { id: "in", value: 2 }, { id: "in", value: 3 }] });
    expect(run.stats.inputs.in).toEqual({ received: 3, dropped: 0, discarded: 2, flushed: 0, pending: 0 });
    let seen: Node | undefined;
    await expect(
      runNode((node) => {
        seen = node;
        throw new RangeError("boom");
      }),
    ).rejects.toThrow(RangeError);
    expect(seen!.signal.aborted).toBe(true);
  });

  it("records sendOutputRaw, logs and statuses; recv resolves null once the stream ended", async () => {
    const run = await runNode(async (node) => {
      const sample = await node.sendOutputRaw("raw", 2, { k: "v" });
      sample.data.set([7, 8]);
      await sample.send();
      node.log("warn", "careful", { n: 1 });
      node.status({ text: "busy", fill: "yellow", shape: "dot" });
      expect(await node.recv()).toMatchObject({ type: "STOP" });
      expect(await node.recv({ timeout: 10 })).toBeNull();
      expect(node.dataflowDescriptor()).toEqual({ nodes: [{ id: "node" }] });
    });
    expect(run.outputs).toMatchObject([{ id: "raw", metadata: { parameters: { k: "v" } } }]);
    expect([...run.outputs[0]!.data]).toEqual([7, 8]);
    expect(run.reports).toEqual([
      { type: "log", level: "warn", message: "careful", fields: { n: 1 } },
      { type: "status", status: { text: "busy", fill: "yellow", shape: "dot" } },
    ]);
  });
});
