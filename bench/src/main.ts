import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem, type } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { latencyChart } from "./chart.js";
import { PEERS_DIR, nodeRedThroughput } from "./node-red.js";
import { type BenchPlan, fullPlan, halveSamples, quickPlan } from "./plan.js";
import { measuredCommit, updateReadme } from "./readme-table.js";
import { runCodecBench } from "./codec-bench.js";
import { networkSection } from "./network-section.js";
import { operatorsBench } from "./run-operators.js";
import { patternsBench } from "./run-patterns.js";
import { bridgeBench } from "./run-bridge.js";
import { goals, markdownReport } from "./report.js";
import type { BenchResults } from "./results.js";
import { rawLatency, rawThroughput } from "./run-raw.js";
import { rivuletLatency, rivuletThroughput } from "./run-rivulet.js";
import { rawShmLatency, rivuletShmLatency } from "./run-shm.js";
import { structBench } from "./run-struct.js";
import { latencyStats } from "./stats.js";
import { type RoundResult, throughputRows } from "./throughput-rounds.js";

const BENCH = fileURLToPath(new URL("../", import.meta.url));

/**
 * `npm run bench [-- --quick] [--out DIR] [--no-peers] [--only operators|patterns|bridge]`: latency (back
 * to back and paced), throughput (1 -> 1 and fan-out), each beside a raw Unix-socket baseline
 * measured in the same run; the zeromq, NATS and MQTT transports beside their raw clients;
 * operators against nodes; services against raw request/reply (Unix socket, nats.js) and 1,000
 * concurrent requests; the MQTT bridge against Node-RED's MQTT flow and a plain mqtt.js relay;
 * Node-RED as a peer. Writes latest.json, RESULTS.md and latency.svg.
 * `--only <section>` measures that section alone, into `--out` (default results/<section>-only),
 * never the published report.
 * `--from results/latest.json` re-renders the report and chart from saved results.
 */
async function main(argv: string[]): Promise<void> {
  const fromIndex = argv.indexOf("--from");
  if (fromIndex >= 0) {
    const saved = JSON.parse(readFileSync(argv[fromIndex + 1]!, "utf8")) as BenchResults;
    render(saved, dirname(argv[fromIndex + 1]!), join(BENCH, "RESULTS.md"));
    if (!saved.quick) updateReadme(saved);
    return;
  }
  const quick = argv.includes("--quick");
  const onlyIndex = argv.indexOf("--only");
  const only = onlyIndex >= 0 ? argv[onlyIndex + 1] : undefined;
  if (only !== undefined && !Object.hasOwn(SECTIONS, only)) throw new Error(`--only: unknown section '${only}' (known: ${Object.keys(SECTIONS).join(", ")})`);
  const outIndex = argv.indexOf("--out");
  const outDir = outIndex >= 0 ? argv[outIndex + 1]! : join(BENCH, "results", ...(only ? [`${only}-only`] : []));
  const reportFile = outIndex >= 0 || only ? join(outDir, "RESULTS.md") : join(BENCH, "RESULTS.md");
  const peers = !argv.includes("--no-peers") && !quick;
  const chosen: BenchPlan = quick ? quickPlan() : fullPlan();
  const plan: BenchPlan = { ...chosen, bridge: { ...chosen.bridge, nodeRed: chosen.bridge.nodeRed && peers } };
  const work = join(BENCH, "tmp", String(process.pid));
  mkdirSync(work, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const cpu = cpus();
  const results: BenchResults & { failures: string[] } = {
    date: new Date().toISOString(),
    commit: measuredCommit(),
    quick,
    machine: { cpus: cpu.length, cpuModel: cpu[0]?.model ?? "unknown", memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}`, node: process.versions.node },
    latency: [],
    throughput: [],
    peers: [],
    notes: [],
    failures: [],
  };
  const step = (text: string): void => console.error(`bench: ${text}`);
  const started = Date.now();
  if (only !== undefined) {
    try {
      await SECTIONS[only as keyof typeof SECTIONS](plan, results, join(work, only), step);
    } catch (error) {
      results.failures.push(`the benchmark stopped: ${(error as Error).message}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    writeFileSync(join(outDir, "latest.json"), JSON.stringify(results, null, 2) + "\n");
    render(results, outDir, reportFile);
    for (const failure of results.failures) console.error(`bench: FAILED: ${failure}`);
    if (results.failures.length > 0) process.exitCode = 1;
    return;
  }
  try {
    // Rounds run in ABBA order (Rivulet, raw, raw, Rivulet) with half the samples each, so a
    // slow drift of the machine's state during the run does not bias the ratio.
    const half = halveSamples(plan);
    for (const mode of ["pingpong", "paced"] as const) {
      const label = mode === "pingpong" ? "back to back" : `one message every ${plan.paced.periodMs} ms`;
      const rivulet: Record<string, number[]>[] = [];
      const raw: Record<string, number[]>[] = [];
      for (const [round, order] of [["a", ["rivulet", "raw"]], ["b", ["raw", "rivulet"]]] as const) {
        for (const system of order) {
          step(`latency, ${label}: ${system === "rivulet" ? "Rivulet unix" : "raw Unix socket"} (round ${round})`);
          if (system === "rivulet") rivulet.push(await rivuletLatency(mode, half, join(work, round)));
          else raw.push(await rawLatency(mode, half, join(work, round)));
        }
      }
      for (const { size } of plan[mode].sizes) {
        const r = latencyStats(rivulet.flatMap((round) => round[size] ?? []));
        const b = latencyStats(raw.flatMap((round) => round[size] ?? []));
        results.latency.push({ mode, transport: "unix", size, rivulet: r, raw: b, ratioP50: r.p50 / b.p50 });
      }
    }
    // Shared memory: sendOutput (one copy into a slot) and sendOutputRaw (in place) against the
    // raw shared-memory floor, in ABBA order too (Rivulet both ways, raw, raw, Rivulet both ways).
    for (const mode of ["pingpong", "paced"] as const) {
      const label = mode === "pingpong" ? "back to back" : `one message every ${plan.paced.periodMs} ms`;
      const rivulet: Record<string, Record<string, number[]>[]> = { sendOutput: [], sendOutputRaw: [] };
      const raw: Record<string, number[]>[] = [];
      for (const [round, order] of [["a", ["rivulet", "raw"]], ["b", ["raw", "rivulet"]]] as const) {
        for (const system of order) {
          if (system === "raw") {
            step(`latency, ${label}: raw shared memory (round ${round})`);
            raw.push(await rawShmLatency(mode, half, join(work, round)));
            continue;
          }
          for (const api of ["sendOutput", "sendOutputRaw"] as const) {
            step(`latency, ${label}: Rivulet shm, ${api} (round ${round})`);
            rivulet[api]!.push(await rivuletShmLatency(mode, api, half, join(work, round)));
          }
        }
      }
      for (const api of ["sendOutput", "sendOutputRaw"] as const) {
        for (const { size } of plan[mode].sizes) {
          const r = latencyStats(rivulet[api]!.flatMap((round) => round[Math.max(8, size)] ?? []));
          const b = latencyStats(raw.flatMap((round) => round[Math.max(8, size)] ?? []));
          results.latency.push({ mode, transport: "shm", api, size, rivulet: r, raw: b, ratioP50: r.p50 / b.p50 });
        }
      }
    }
    // Throughput rounds run in ABBA order too, each with half the messages (after the same
    // warm-up on both sides); a side that delivers fewer messages than were sent fails the run.
    for (const receivers of [1, plan.throughput.fanout]) {
      const rivulet: RoundResult[] = [];
      const raw: RoundResult[] = [];
      for (const [round, order] of [["a", ["rivulet", "raw"]], ["b", ["raw", "rivulet"]]] as const) {
        for (const system of order) {
          step(`throughput 1 -> ${receivers}: ${system === "rivulet" ? "Rivulet unix" : "raw Unix socket"} (round ${round})`);
          if (system === "rivulet") rivulet.push(await rivuletThroughput(half, receivers, join(work, round)));
          else raw.push(await rawThroughput(half, receivers, join(work, round)));
        }
      }
      const { rows, failures } = throughputRows("unix", receivers, half.throughput.sizes, rivulet, raw);
      results.throughput.push(...rows);
      results.failures.push(...failures);
    }
    // The network transports against their raw clients (zeromq.js, nats.js, mqtt.js), ABBA too.
    const network = await networkSection(half.network, join(work, "network"), step);
    results.latency.push(...network.latency);
    results.throughput.push(...network.throughput);
    results.failures.push(...network.failures);
    results.network = network.settings;
    step("one-row struct end to end: back-to-back latency, then throughput 1 -> 1");
    results.struct = await structBench(plan.struct, join(work, "struct"));
    await SECTIONS.operators(plan, results, join(work, "operators"), step);
    // A failed patterns section is named and the rest still measured.
    try {
      await SECTIONS.patterns(plan, results, join(work, "patterns"), step);
    } catch (error) {
      results.failures.push(`patterns: ${(error as Error).message}`);
    }
    try {
      await SECTIONS.bridge(plan, results, join(work, "bridge"), step);
    } catch (error) {
      results.failures.push(`bridge: ${(error as Error).message}`);
    }
    step("codec cost per message (encode + decode), Rivulet against Arrow IPC and JSON");
    results.codec = runCodecBench({ quick });
    if (peers) {
      step("peer: Node-RED embedded (installed on demand)");
      try {
        results.peers.push(...(await nodeRedThroughput(PEERS_DIR, 100_000)));
      } catch (error) {
        results.notes.push(`Node-RED peer not measured: ${(error as Error).message}`);
      }
    }
  } catch (error) {
    results.failures.push(`the benchmark stopped: ${(error as Error).message}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  writeFileSync(join(outDir, "latest.json"), JSON.stringify(results, null, 2) + "\n");
  step(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  render(results, outDir, reportFile);
  // Only a full run into the published folder may change the README's figures.
  if (!quick && outIndex < 0) updateReadme(results);
  for (const failure of results.failures) console.error(`bench: FAILED: ${failure}`);
  if (results.failures.length > 0) process.exitCode = 1;
}

/** The sections that `--only` can run alone, each adding its results (a full run runs them too). */
const SECTIONS = {
  operators: async (plan: BenchPlan, results: BenchResults, work: string, step: (text: string) => void) => {
    results.operators = await operatorsBench(plan.operators, work, step);
  },
  patterns: async (plan: BenchPlan, results: BenchResults, work: string, step: (text: string) => void) => {
    results.patterns = await patternsBench(plan.patterns, work, step);
  },
  bridge: async (plan: BenchPlan, results: BenchResults, work: string, step: (text: string) => void) => {
    const { bridge, failures } = await bridgeBench(plan.bridge, work, step);
    results.bridge = bridge;
    (results.failures ??= []).push(...failures);
  },
};

/** Writes the chart and the Markdown report (also `--from latest.json`, without measuring). */
function render(results: BenchResults, outDir: string, reportFile: string): void {
  writeFileSync(join(outDir, "latency.svg"), latencyChart(results));
  writeFileSync(reportFile, markdownReport(results));
  console.error(`bench: wrote ${reportFile}, ${join(outDir, "latency.svg")}`);
  const prefix = results.quick ? "(quick mode, tiny samples: not a measurement) " : "";
  for (const goal of goals(results)) console.log(prefix + goal);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
