import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OperatorRuntime } from "../src/operator-runtime.js";
import { RuntimeHost } from "./runtime-host.js";

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));

describe("OperatorRuntime", () => {
  it("routes each input to its operator under the operator's own id, and sends under the runtime node's output id", async () => {
    const host = new RuntimeHost([
      { id: "doubler", module: fixture("doubler"), inputs: { tick: "timer" }, outputs: ["doubled"] },
      { id: "recorder", module: fixture("recorder"), inputs: { in: "timer" }, outputs: ["log"] },
    ]);
    const running = new OperatorRuntime(host).run();
    host.input("doubler/tick", 21, { frame: 7 });
    host.input("recorder/in", 5);
    host.stop();
    const report = await running;
    expect(host.sentOn("doubler/doubled").map((s) => s.data)).toEqual([42]);
    expect((host.sentOn("doubler/doubled")[0]!.metadata as { parameters: unknown }).parameters).toEqual({ frame: 7 });
    expect(host.sentOn("recorder/log").map((s) => s.data)).toEqual(["INPUT in [5]", "STOP manual"]);
    expect(report.operators).toMatchObject({ doubler: { ended: "stop-event" }, recorder: { ended: "stop-event" } });
  });

  it("hands values between operators of one runtime in-process: the consumer gets the very object sent, and nothing goes through the node", async () => {
    const host = new RuntimeHost([
      { id: "source", module: fixture("vector-source"), inputs: { tick: "timer" }, outputs: ["vector"] },
      { id: "sink", module: fixture("vector-sink"), inputs: { vector: "source/vector" }, outputs: ["same"] },
    ]);
    const running = new OperatorRuntime(host).run();
    host.input("source/tick", null);
    host.input("source/tick", null);
    host.stop();
    await running;
    expect(host.sentOn("source/vector")).toEqual([]);
    expect(host.sentOn("sink/same").map((s) => s.data)).toEqual([
      { same: true, from: "source" },
      { same: true, from: "source" },
    ]);
  });

  it("sends a local output through the node too when something outside the runtime consumes it", async () => {
    const host = new RuntimeHost([
      { id: "doubler", module: fixture("doubler"), inputs: { tick: "timer" }, outputs: ["doubled"], remote: ["doubled"] },
      { id: "recorder", module: fixture("recorder"), inputs: { in: "doubler/doubled" }, outputs: ["log"] },
    ]);
    const running = new OperatorRuntime(host).run();
    host.input("doubler/tick", 4);
    host.stop();
    await running;
    expect(host.sentOn("doubler/doubled").map((s) => s.data)).toEqual([8]);
    expect(host.sentOn("recorder/log").map((s) => s.data)).toEqual(["INPUT in [8]", "STOP manual"]);
  });

  it("STOP ends one operator: its local consumer sees its input close and stops, and the runtime ends with the last operator", async () => {
    const host = new RuntimeHost([
      { id: "counter", module: fixture("counter"), inputs: { tick: "timer" }, outputs: ["count"] },
      { id: "recorder", module: fixture("recorder"), inputs: { in: "counter/count" }, outputs: ["log"] },
    ]);
    const runtime = new OperatorRuntime(host);
    const running = runtime.run();
    for (let i = 0; i < 5; i++) host.input("counter/tick", i);
    // No STOP from the node: the runtime ends by itself once both operators have.
    const report = await running;
    expect(host.sentOn("recorder/log").map((s) => s.data)).toEqual(["INPUT in [1]", "INPUT in [2]", "INPUT in [3]", "INPUT_CLOSED in", "STOP all-inputs-closed"]);
    expect(report.operators.counter).toMatchObject({ ended: "stop", inputs: { tick: { received: 3, pending: 0 } } });
    expect(report.operators.recorder!.ended).toBe("stop-event");
    expect(host.stopRequests).toEqual([]);
  });

  it("an operator's inputs after it returned STOP are discarded and counted while the others run on", async () => {
    const host = new RuntimeHost([
      { id: "counter", module: fixture("counter"), inputs: { tick: "timer" }, outputs: ["count"] },
      { id: "recorder", module: fixture("recorder"), inputs: { in: "timer" }, outputs: ["log"] },
    ]);
    const running = new OperatorRuntime(host).run();
    for (let i = 0; i < 5; i++) host.input("counter/tick", i);
    host.input("recorder/in", 1);
    host.stop();
    const report = await running;
    expect(host.sentOn("counter/count").map((s) => s.data)).toEqual([1, 2, 3]);
    expect(report.operators.counter).toMatchObject({ ended: "stop", inputs: { tick: { received: 3, discarded: 2, pending: 0 } } });
    expect(host.sentOn("recorder/log").map((s) => s.data)).toEqual(["INPUT in [1]", "STOP manual"]);
  });

  it("STOP_ALL asks the daemon to stop the dataflow, naming the operator and the runtime node", async () => {
    const host = new RuntimeHost([{ id: "counter", module: fixture("counter"), inputs: { tick: "timer" }, outputs: ["count"] }], "counting");
    const running = new OperatorRuntime(host).run();
    for (let i = 0; i < 3; i++) host.input("counter/tick", i, { all: true });
    const report = await running;
    expect(host.stopRequests).toEqual(["operator 'counter' of node 'counting' returned STOP_ALL"]);
    expect(report.operators.counter!.ended).toBe("stop-all");
  });

  it("an operator that throws in onEvent fails the runtime, naming the node, the operator, its file and line", async () => {
    const host = new RuntimeHost([
      { id: "bad", module: fixture("throws-in-event"), inputs: { tick: "timer" } },
      { id: "recorder", module: fixture("recorder"), inputs: { in: "timer" }, outputs: ["log"] },
    ]);
    const running = new OperatorRuntime(host).run();
    host.input("bad/tick", 1);
    const error = await running.then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ name: "OperatorFailedError", nodeId: "rt", operatorId: "bad", file: fixture("throws-in-event"), phase: "onEvent", line: 6 });
    expect((error as Error).cause).toMatchObject({ name: "RangeError", message: "cannot handle tick" });
    expect((error as Error).message).toContain(`operator 'bad' of node 'rt' failed in onEvent (${fixture("throws-in-event")}:6:`);
  });

  it("an operator that throws in its constructor fails the runtime before any event", async () => {
    const host = new RuntimeHost([{ id: "broken", module: fixture("throws-in-constructor"), inputs: { tick: "timer" } }]);
    await expect(new OperatorRuntime(host).run()).rejects.toMatchObject({ name: "OperatorFailedError", operatorId: "broken", phase: "constructor", line: 5 });
  });

  it("refuses a module whose default export is not a class, and a Status that is not one", async () => {
    const notClass = new RuntimeHost([{ id: "fn", module: fixture("not-a-class"), inputs: { tick: "timer" } }]);
    await expect(new OperatorRuntime(notClass).run()).rejects.toMatchObject({ name: "OperatorExportError", nodeId: "rt", operatorId: "fn", file: fixture("not-a-class") });
    const badStatus = new RuntimeHost([{ id: "odd", module: fixture("bad-status"), inputs: { tick: "timer" } }]);
    const running = new OperatorRuntime(badStatus).run();
    badStatus.input("odd/tick", 1);
    await expect(running).rejects.toMatchObject({ name: "OperatorFailedError", phase: "onEvent", cause: { name: "TypeError" } });
  });

  it("an undeclared output is an UndeclaredOutputError for the operator, listing its own outputs", async () => {
    const host = new RuntimeHost([{ id: "doubler", module: fixture("doubler"), inputs: { tick: "timer" }, outputs: ["other"] }]);
    const running = new OperatorRuntime(host).run();
    host.input("doubler/tick", 1);
    await expect(running).rejects.toMatchObject({ name: "OperatorFailedError", cause: { name: "UndeclaredOutputError", nodeId: "rt/doubler", outputId: "doubled", declared: ["other"] } });
  });

  it("a local edge refuses at the sender what a transport would: a value that cannot be encoded, a nested parameter", async () => {
    for (const [tick, cause] of [
      [1, { name: "UnsupportedValueError" }],
      [2, { name: "InvalidParameterError", key: "nested", reason: "nested" }],
    ] as const) {
      const host = new RuntimeHost([
        { id: "sender", module: fixture("bad-sender"), inputs: { tick: "timer" }, outputs: ["out"] },
        { id: "recorder", module: fixture("recorder"), inputs: { in: "sender/out" }, outputs: ["log"] },
      ]);
      const running = new OperatorRuntime(host).run();
      host.input("sender/tick", tick);
      await expect(running).rejects.toMatchObject({ name: "OperatorFailedError", operatorId: "sender", phase: "onEvent", cause });
      expect(host.sentOn("recorder/log")).toEqual([]);
    }
  });
});
