import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunResult, startDataflow } from "@rivulet/daemon";
import type { BenchPlan } from "./plan.js";

const NODES = fileURLToPath(new URL("../nodes/", import.meta.url));

/**
 * Runs a generated dataflow through the daemon; throws naming failed nodes, else resolves to the
 * run's result (drops per node). With `deadlineMs`, a run still going then is stopped (STOP, then
 * signals after the grace) and the call throws: a hang fails the benchmark instead of stalling it.
 * With `until`, the run is stopped once it settles (for dataflows that never end by themselves).
 */
export async function runDataflow(dir: string, dataflow: object, deadlineMs?: number, until?: Promise<unknown>): Promise<RunResult> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "dataflow.yml");
  writeFileSync(file, JSON.stringify(dataflow, null, 2)); // JSON is valid YAML
  const run = await startDataflow({
    file,
    graceMs: 5000,
    onEvent: (event) => {
      if (event.type === "warning" || (event.type === "output" && event.stream === "stderr")) {
        console.error(`  ${"nodeId" in event && event.nodeId ? `[${event.nodeId}] ` : ""}${"line" in event ? event.line : event.message}`);
      }
    },
  });
  let late = false;
  const deadline = deadlineMs === undefined ? undefined : setTimeout(() => ((late = true), run.stop("the benchmark's deadline passed")), deadlineMs);
  const stop = (): void => run.stop("the benchmark has its figures");
  void until?.then(stop, stop);
  const result = await run.finished;
  clearTimeout(deadline);
  if (late) throw new Error(`benchmark dataflow ${file} was still running after ${deadlineMs} ms (stopped); nodes not done: ${result.nodes.filter((n) => n.exit?.code !== 0).map((n) => n.id).join(", ") || "none"}`);
  if (result.exitCode !== 0) {
    const failed = result.nodes.filter((n) => n.failed).map((n) => `${n.id}: ${n.reason}\n${n.stderrTail.join("\n")}`);
    throw new Error(`benchmark dataflow ${file} failed${result.error ? `: ${result.error.message}` : ""}\n${failed.join("\n")}`);
  }
  return result;
}

/** One-way latencies in ns by payload size, through two Rivulet nodes. */
export async function rivuletLatency(mode: "paced" | "pingpong", plan: BenchPlan, workDir: string): Promise<Record<string, number[]>> {
  const dir = join(workDir, `rivulet-${mode}`);
  const out = join(dir, "result.json");
  const spec = mode === "paced" ? plan.paced : plan.pingpong;
  const env = { BENCH_PLAN: JSON.stringify({ mode, ...spec }), BENCH_OUT: out };
  const pingpong = mode === "pingpong";
  await runDataflow(dir, {
    nodes: [
      {
        id: "sender",
        path: join(NODES, "latency-sender.mjs"),
        outputs: ["ping"],
        ...(pingpong ? { inputs: { pong: { source: "receiver/pong", queue_size: 1000 } } } : {}),
        env,
      },
      {
        id: "receiver",
        path: join(NODES, "latency-receiver.mjs"),
        // Backpressure: a latency sample is never dropped, it waits (and shows as latency).
        inputs: { ping: { source: "sender/ping", queue_size: 1000, queue_policy: "backpressure" } },
        ...(pingpong ? { outputs: ["pong"] } : {}),
        env,
      },
    ],
  });
  const result = JSON.parse(readFileSync(out, "utf8")) as { oneWayNs: Record<string, number[]>; drops?: number };
  if (result.drops) throw new Error(`the latency receiver dropped ${result.drops} messages`);
  return result.oneWayNs;
}

/** Per size: messages received and ns from the first send to the last arrival (slowest receiver). */
export async function rivuletThroughput(plan: BenchPlan, receivers: number, workDir: string): Promise<Record<string, { count: number; ns: number }>> {
  const dir = join(workDir, `rivulet-throughput-${receivers}`);
  const outs = Array.from({ length: receivers }, (_, i) => join(dir, `result-${i}.json`));
  await runDataflow(dir, {
    nodes: [
      { id: "sender", path: join(NODES, "throughput-sender.mjs"), outputs: ["data"], env: { BENCH_PLAN: JSON.stringify(plan.throughput) } },
      ...outs.map((out, i) => ({
        id: `receiver${i}`,
        path: join(NODES, "throughput-receiver.mjs"),
        inputs: { data: { source: "sender/data", queue_size: 100, queue_policy: "backpressure" } },
        env: { BENCH_OUT: out },
      })),
    ],
  });
  const files = outs.map((out) => JSON.parse(readFileSync(out, "utf8")) as ThroughputFile);
  const drops = files.reduce((sum, f) => sum + (f.drops ?? 0), 0);
  if (drops > 0) throw new Error(`the throughput receivers dropped ${drops} messages under backpressure`);
  return mergeThroughput(files);
}

export interface ThroughputFile {
  sizes: Record<string, { count: number; firstSentNs: number; lastReceivedNs: number }>;
  drops?: number;
}

/** Merges receivers' files: the smallest count and the latest arrival per size. */
export function mergeThroughput(files: ThroughputFile[]): Record<string, { count: number; ns: number }> {
  const merged: Record<string, { count: number; ns: number }> = {};
  for (const size of Object.keys(files[0]!.sizes)) {
    const entries = files.map((f) => f.sizes[size]!);
    merged[size] = {
      count: Math.min(...entries.map((e) => e?.count ?? 0)),
      ns: Math.max(...entries.map((e) => e.lastReceivedNs)) - Math.min(...entries.map((e) => e.firstSentNs)),
    };
  }
  return merged;
}
