import { pipe } from "it-pipe";
import { describe, expect, it } from "vitest";
import { mapConcurrentStage } from "../../src/io/map-concurrent.js";
import { runNode } from "../../src/testing/index.js";
import { collect } from "./map-kit.js";

describe("mapConcurrentStage (it-pipe)", () => {
  it("is a transform stage: results in order, failures skipped, counters summed over every source it mapped", async () => {
    const square = mapConcurrentStage(async (n: number) => {
      if (n === 3) throw new Error("three");
      return n * n;
    }, { concurrency: 2 });
    expect(await pipe([1, 2, 3, 4], square, collect)).toEqual([1, 4, 16]);
    expect(await pipe([5], square, collect)).toEqual([25]);
    expect(square.stats()).toMatchObject({ started: 5, succeeded: 4, failed: 1, inFlight: 0 });
  });

  it("composes node.inputs() as the pipeline's source and node.sendOutput as its sink", async () => {
    const run = await runNode(
      async (node) => {
        const enrich = mapConcurrentStage(async (event: { rows(): unknown[] }) => ({ device: event.rows()[0] as string, ok: true }), { concurrency: 4, signal: node.signal, node });
        await pipe(node.inputs("readings"), enrich, async (results) => {
          for await (const result of results) await node.sendOutput("enriched", result);
        });
      },
      { events: ["a", "b", "c"].map((value) => ({ id: "readings", value })), outputs: ["enriched"] },
    );
    expect(run.outputs.map((output) => output.rows[0])).toEqual([
      { device: "a", ok: true },
      { device: "b", ok: true },
      { device: "c", ok: true },
    ]);
  });
});
