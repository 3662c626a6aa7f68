import type { BenchResults } from "../../bench/src/results.js";

/** Benchmark results with no figures but `sections` (operators, patterns...), for the report's tests. */
export function benchResults(sections: Partial<BenchResults>): BenchResults {
  return {
    date: "2026-01-01",
    quick: false,
    machine: { cpus: 2, cpuModel: "test", memoryGiB: 4, os: "Linux", node: "20" },
    latency: [],
    throughput: [],
    peers: [],
    notes: [],
    ...sections,
  };
}
