import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runDataflow } from "./run-rivulet.js";
import { type LatencyStats, type Throughput, latencyStats, throughput } from "./stats.js";

const NODES = fileURLToPath(new URL("../nodes/", import.meta.url));

/** How many one-row struct messages to send, per mode. */
export interface StructPlan {
  pingpong: { warmup: number; samples: number };
  throughput: { warmup: number; count: number };
}

/** End to end through the Unix transport, for a one-row struct `{ id, t, ok, n, tag }`. */
export interface StructResults {
  /** One-way latency (round trip / 2, the echo decodes and re-encodes the record), microseconds. */
  latency: LatencyStats;
  /** Back-to-back sends, 1 -> 1, backpressure (nothing dropped); every record read by field (no MB/s: records, not bytes). */
  throughput: Throughput;
}

function dataflow(mode: "pingpong" | "throughput", plan: object, out: string): object {
  const env = { BENCH_PLAN: JSON.stringify({ mode, ...plan }), BENCH_OUT: out };
  const pingpong = mode === "pingpong";
  return {
    nodes: [
      { id: "sender", path: join(NODES, "struct-sender.mjs"), outputs: ["record"], ...(pingpong ? { inputs: { echo: { source: "receiver/echo", queue_size: 1000 } } } : {}), env },
      {
        id: "receiver",
        path: join(NODES, "struct-receiver.mjs"),
        inputs: { record: { source: "sender/record", queue_size: 100, queue_policy: "backpressure" } },
        ...(pingpong ? { outputs: ["echo"] } : {}),
        env,
      },
    ],
  };
}

/** Runs both modes through the daemon; throws when a record is lost, reordered or dropped. */
export async function structBench(plan: StructPlan, workDir: string): Promise<StructResults> {
  const latencyOut = join(workDir, "struct-pingpong", "result.json");
  await runDataflow(join(workDir, "struct-pingpong"), dataflow("pingpong", plan.pingpong, latencyOut));
  const { oneWayNs } = JSON.parse(readFileSync(latencyOut, "utf8")) as { oneWayNs: number[] };
  const throughputOut = join(workDir, "struct-throughput", "result.json");
  await runDataflow(join(workDir, "struct-throughput"), dataflow("throughput", plan.throughput, throughputOut));
  const got = JSON.parse(readFileSync(throughputOut, "utf8")) as { count: number; firstSentNs: number; lastReceivedNs: number; drops: number };
  if (got.count !== plan.throughput.count || got.drops > 0) throw new Error(`struct throughput: ${got.count} of ${plan.throughput.count} records arrived, ${got.drops} dropped`);
  return { latency: latencyStats(oneWayNs), throughput: throughput(got.count, 0, got.lastReceivedNs - got.firstSentNs) };
}
