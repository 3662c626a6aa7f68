import { describe, expect, it } from "vitest";
import { operatorsGoals, operatorsMarkdown } from "../bench/src/operators-report.js";
import type { BenchResults } from "../bench/src/results.js";
import { throughput } from "../bench/src/stats.js";
import { benchResults } from "./helpers/bench-results.js";

const results = (sharedMessagesPerSecond: number): BenchResults =>
  benchResults({
    operators: {
      chain: { shared: throughput(sharedMessagesPerSecond, 8, 1e9), worker: throughput(20_000, 8, 1e9), nodes: throughput(100_000, 8, 1e9) },
      startup: { size: 10, runtimeMs: [300, 100, 200], nodesMs: [900, 1000] },
    },
  });

describe("benchmark: the operators section", () => {
  it("marks the goal met at >= 5x the nodes' rate, missed below, with the medians of the start-up rounds", () => {
    expect(operatorsGoals(results(500_000))[0]).toMatch(/^met: .* 500\.0 k msg\/s against 100\.0 k \(5\.0x\); on worker threads 20\.0 k msg\/s; start-up of 10 operators 200 ms against 10 nodes 950 ms$/);
    expect(operatorsGoals(results(499_000))[0]).toMatch(/^\*\*missed:\*\* .*\(5\.0x\)/);
    expect(operatorsMarkdown(results(500_000)).join("\n")).toContain("| operators, `thread: shared` (one runtime thread) | 500000 | 500.0 k | 5.0x |");
  });

  it("is absent from results measured before it existed", () => {
    const { operators: _, ...older } = results(1);
    expect(operatorsGoals(older)).toEqual([]);
    expect(operatorsMarkdown(older)).toEqual([]);
  });
});
