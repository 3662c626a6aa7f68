import { describe, expect, it } from "vitest";
import { runNode } from "../src/testing/index.js";

describe("runNode with the patterns", () => {
  it("tests a service server: scripted requests in, replies recorded with their request_id", async () => {
    const run = await runNode(
      async (node) => {
        const server = node.serve("ask", "answer", (request) => {
          const [city] = request.rows() as string[];
          if (city === "Atlantis") throw new Error(`no weather for ${city}`);
          return { city: city!, celsius: 14 };
        });
        await server.done;
      },
      {
        events: [
          { id: "ask", value: "Paris", metadata: { request_id: "r1" } },
          { id: "ask", value: "Atlantis", metadata: { request_id: "r2" } },
        ],
        outputs: ["answer"],
      },
    );
    expect(run.outputs.map((o) => [o.metadata.parameters, o.rows])).toEqual([
      [{ request_id: "r1" }, [{ city: "Paris", celsius: 14 }]],
      [{ request_id: "r2", error: "no weather for Atlantis" }, []],
    ]);
    expect(run.reports.some((r) => r.type === "log" && r.level === "warn" && r.message.includes("r2"))).toBe(true);
  });

  it("tests a stream reader: a flush in the script drops the chunks read before it", async () => {
    const said: string[] = [];
    const session = { session_id: "s" };
    await runNode(
      async (node) => {
        for await (const chunk of node.stream("tokens")) if (chunk.kind !== "data") said.push(chunk.kind);
        else said.push(String(chunk.event.rows()[0]));
      },
      {
        events: [
          { id: "tokens", value: "a", metadata: { ...session, segment_id: 0, seq: 0 } },
          { id: "tokens", value: "b", metadata: { ...session, segment_id: 0, seq: 1 } },
          { id: "tokens", value: null, metadata: { ...session, segment_id: 0, seq: 2, flush: true }, fields: { flush: true } },
          { id: "tokens", value: "c", metadata: { ...session, segment_id: 1, seq: 3 } },
        ],
      },
    );
    expect(said).toEqual(["flush", "c"]);
  });

  it("a stream loop left early discards what it read ahead and counts it: nothing is silently lost", async () => {
    const seen: unknown[] = [];
    const run = await runNode(
      async (node) => {
        for await (const chunk of node.stream("tokens")) {
          seen.push(chunk.event.rows()[0]);
          break;
        }
      },
      { events: ["a", "b", "c", "d"].map((value, seq) => ({ id: "tokens", value, metadata: { session_id: "s", segment_id: 0, seq } })) },
    );
    expect(seen).toEqual(["a"]);
    expect(run.stats.inputs.tokens).toMatchObject({ received: 4, discarded: 3 });
  });
});
