import { describe, expect, it, onTestFinished } from "vitest";
import { Node, type NodeConfig } from "../src/index.js";
import { runNode } from "../src/testing/index.js";
import { TestDaemon } from "./test-daemon.js";

let daemon: TestDaemon;

/** A test daemon for this test, and a node of it built from `config`; both closed when the test ends (the node first). */
async function nodeOf(config: (daemon: TestDaemon) => NodeConfig): Promise<Node> {
  daemon = await TestDaemon.start();
  const node = new Node({ config: config(daemon) });
  onTestFinished(async () => {
    await node.close();
    await daemon.close();
  });
  return node;
}

const stopRequests = () => daemon.messages.filter((m) => m.message.t === "stop_all");

describe("node.stopDataflow() with a daemon", () => {
  it("sends stop_all with the reason on the control socket; the node's own STOP comes from the daemon", async () => {
    const node = await nodeOf((d) => d.config("asker", { inputs: [{ id: "tick" }] }));
    await daemon.barrier("asker");
    await node.ready();
    await node.stopDataflow("done");
    await daemon.until(() => stopRequests().length === 1);
    expect(stopRequests()).toEqual([{ nodeId: "asker", message: { t: "stop_all", reason: "done" } }]);
    // Asking does not stop the node by itself: the daemon answers every node with STOP.
    expect(node.signal.aborted).toBe(false);
    daemon.send("asker", { t: "stop" });
    expect(await node.recv()).toMatchObject({ type: "STOP", reason: "manual" });
  });

  it("asked before the node registered, the request waits for registration; without a reason, none is sent", async () => {
    const node = await nodeOf((d) => d.config("early"));
    await node.stopDataflow();
    expect(daemon.registered("early")).toBe(true);
    await daemon.until(() => stopRequests().length === 1);
    expect(stopRequests()[0]!.message).toEqual({ t: "stop_all" });
  });

  it("after close() the request is refused with ControlPlaneError, not lost silently", async () => {
    const node = await nodeOf((d) => d.config("closed"));
    await node.close();
    await expect(node.stopDataflow("late")).rejects.toMatchObject({ name: "ControlPlaneError" });
    expect(stopRequests()).toEqual([]);
  });

  it("a node the daemon refuses cannot ask: ControlPlaneError", async () => {
    const node = await nodeOf((d) => ({ ...d.config("x"), token: "wrong" }));
    await expect(node.stopDataflow()).rejects.toMatchObject({ name: "ControlPlaneError" });
  });
});

describe("node.stopDataflow() under runNode", () => {
  it("is recorded among the reports, in order, and answered with STOP as the daemon would", async () => {
    const run = await runNode(
      async (node) => {
        for await (const event of node) {
          if (event.type === "INPUT") {
            node.log("info", `got ${event.id}`);
            await node.stopDataflow(`seen ${event.id}`);
          } else if (event.type === "STOP") node.log("info", `STOP ${event.reason}`);
        }
      },
      { events: [{ id: "a", value: 1 }, { id: "b", value: 2 }] },
    );
    expect(run.reports).toEqual([
      { type: "log", level: "info", message: "got a" },
      { type: "stop_dataflow", reason: "seen a" },
      { type: "log", level: "info", message: "STOP manual" },
    ]);
    expect(run.stats.inputs.b).toMatchObject({ discarded: 1 });
  });
});
