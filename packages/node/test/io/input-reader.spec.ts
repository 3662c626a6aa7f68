import type { InputEvent } from "@rivulet/core";
import { describe, expect, it } from "vitest";
import { inputs } from "../../src/io/input-reader.js";
import { mapConcurrent } from "../../src/io/map-concurrent.js";
import { ClaimedInput } from "../../src/patterns/claimed-input.js";
import type { PatternHost } from "../../src/patterns/pattern-host.js";
import { runNode } from "../../src/testing/index.js";

const first = (event: InputEvent): unknown => event.rows()[0];

describe("node.inputs() under runNode", () => {
  it("yields one input's events only; the main loop keeps the other inputs and every control event", async () => {
    const claimed: unknown[] = [];
    const main: string[] = [];
    let ended: unknown;
    await runNode(
      async (node) => {
        const reader = node.inputs("x");
        const reading = (async () => {
          for await (const event of reader) claimed.push(first(event));
          ended = reader.ended;
        })();
        for await (const event of node) main.push(event.type === "INPUT" ? `${event.id}:${String(first(event))}` : `${event.type}${"id" in event ? `:${event.id}` : ""}`);
        await reading;
      },
      { events: [{ id: "x", value: 1 }, { id: "y", value: 2 }, { id: "x", value: 3 }] },
    );
    expect(claimed).toEqual([1, 3]);
    expect(main).toEqual(["y:2", "INPUT_CLOSED:x", "INPUT_CLOSED:y", "STOP"]);
    expect(ended).toEqual({ reason: "closed" });
  });

  it("throws UndeclaredInputError for an input the node does not have, InputClaimedError for one a pattern reads", async () => {
    await runNode(
      (node) => {
        expect(() => node.inputs("nope")).toThrow(expect.objectContaining({ name: "UndeclaredInputError", nodeId: "node", inputId: "nope", declared: ["x", "y"] }));
        node.inputs("x");
        expect(() => node.inputs("x")).toThrow(expect.objectContaining({ name: "InputClaimedError", inputId: "x", holder: "inputs" }));
        expect(() => node.stream("x")).toThrow(expect.objectContaining({ name: "InputClaimedError", holder: "inputs" }));
        node.stream("y");
        expect(() => node.inputs("y")).toThrow(expect.objectContaining({ name: "InputClaimedError", holder: "stream" }));
      },
      { inputs: ["x", "y"] },
    );
  });

  it("leaving the loop early lets the input go: what it had not read is counted as discarded, and a later loop ends at once", async () => {
    const seen: unknown[] = [];
    const run = await runNode(
      async (node) => {
        const reader = node.inputs("x");
        for await (const event of reader) {
          seen.push(first(event));
          break;
        }
        for await (const event of reader) seen.push(first(event));
      },
      { events: [1, 2, 3, 4, 5].map((value) => ({ id: "x", value })) },
    );
    expect(seen).toEqual([1]);
    expect(run.stats.inputs.x).toMatchObject({ received: 5, discarded: 4, pending: 0 });
  });

  it("ends, without throwing, when the input's producer fails; `ended` names the producer and its error", async () => {
    const seen: unknown[] = [];
    let ended: unknown;
    await runNode(
      async (node) => {
        const reader = node.inputs("x");
        for await (const event of reader) seen.push(first(event));
        ended = reader.ended;
      },
      { events: [{ id: "x", value: 7 }, { type: "NODE_FAILED", sourceNodeId: "sensor", error: "exited with code 3", affectedInputIds: ["x"] }] },
    );
    expect(seen).toEqual([7]);
    expect(ended).toEqual({ reason: "failed", sourceNodeId: "sensor", error: "exited with code 3" });
  });

  it("feeds mapConcurrent: a failing write is counted and logged, the others are sent on, in order", async () => {
    let stats: unknown;
    const run = await runNode(
      async (node) => {
        const writes = mapConcurrent(
          node.inputs("readings"),
          async (event) => {
            const [reading] = event.rows() as { device: string; celsius: number }[];
            if (reading!.device === "broken") throw new Error("relation \"readings\" does not exist");
            return reading!.device;
          },
          { concurrency: 2, timeout: 1000, signal: node.signal, node, name: "writer" },
        );
        for await (const device of writes) await node.sendOutput("saved", device);
        stats = writes.stats();
      },
      {
        events: ["a", "broken", "b"].map((device) => ({ id: "readings", value: { device, celsius: 20 } })),
        outputs: ["saved"],
      },
    );
    expect(run.outputs.map((output) => output.rows[0])).toEqual(["a", "b"]);
    expect(stats).toMatchObject({ started: 3, succeeded: 2, failed: 1 });
    expect(run.reports).toContainEqual(expect.objectContaining({ type: "log", level: "warn", fields: expect.objectContaining({ name: "writer", outcome: "failed" }) }));
  });
});

describe("InputReader", () => {
  it("retains each event before yielding it: lent bytes stay valid while concurrent work still reads them", async () => {
    const retained: number[] = [];
    const events = [1, 2].map((n) => ({ type: "INPUT", id: "x", n, retain: () => retained.push(n) }) as unknown as InputEvent);
    const claim = new ClaimedInput("x", { shift: () => events.shift(), get length() { return events.length; } }, () => {}, () => {});
    claim.end({ reason: "closed" });
    const claims: [string, string, unknown][] = [];
    const host = { nodeId: "n", claim: (id: string, pattern: string, options: unknown) => (claims.push([id, pattern, options]), claim) } as unknown as PatternHost;
    const seen: unknown[] = [];
    for await (const event of inputs(host, "x")) seen.push((event as unknown as { n: number }).n);
    expect(seen).toEqual([1, 2]);
    expect(retained).toEqual([1, 2]);
    // Claimed as the program's own loop: a reader waiting on it keeps the process alive.
    expect(claims).toEqual([["x", "inputs", { keepsAlive: true }]]);
  });
});
