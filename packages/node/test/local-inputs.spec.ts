import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Node, type NodeEvent } from "../src/index.js";
import { TestDaemon } from "./test-daemon.js";

let daemon: TestDaemon;
const nodes: Node[] = [];

beforeEach(async () => {
  daemon = await TestDaemon.start();
});
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
  await daemon.close();
});

describe("inputs fed in-process (local: true)", () => {
  it("are neither subscribed nor queued by the node, and do not keep it from STOP once its other inputs closed", async () => {
    const channel = daemon.channel("a/out", ["rt"]);
    const producer = new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [channel] }] }) });
    // A runtime node whose operator `sum` reads `a/out` and also `double/out`, an operator of its own.
    const runtime = new Node({
      config: daemon.config("rt", {
        inputs: [
          { id: "sum/in", channel, producer: "a" },
          { id: "sum/doubled", source: "rt/double/doubled", producer: "rt", local: true },
        ],
      }),
    });
    nodes.push(producer, runtime);
    await daemon.barrier("a", "rt");
    await runtime.ready();
    await producer.sendOutput("out", 1);
    await producer.close();
    daemon.send("rt", { t: "input_closed", inputs: ["sum/in"] });
    const events: NodeEvent[] = [];
    for await (const event of runtime) events.push(event);
    expect(events.map((e) => `${e.type}${"id" in e && e.id ? ` ${e.id}` : ""}`)).toEqual(["INPUT sum/in", "INPUT_CLOSED sum/in", "STOP"]);
    expect(events.at(-1)).toMatchObject({ reason: "all-inputs-closed" });
    expect(Object.keys(runtime.stats().inputs)).toEqual(["sum/in"]);
  });
});
