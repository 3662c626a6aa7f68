import { fork } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchPlan } from "./plan.js";
import { exited } from "./run-raw.js";
import { runDataflow } from "./run-rivulet.js";

const NODES = fileURLToPath(new URL("../nodes/", import.meta.url));
const RAW = fileURLToPath(new URL("../raw/raw-shm.mjs", import.meta.url));

/** How a shared-memory sample is sent: copied into a slot, or written in place. */
export type ShmApi = "sendOutput" | "sendOutputRaw";

/** Slots of the benchmark's shm transport: a few, each as large as the largest payload plus its frame head. */
function shmTransport(spec: { sizes: { size: number }[] }): object {
  const largest = Math.max(...spec.sizes.map((s) => s.size));
  return { kind: "shm", slots: 4, slot_size: largest + 4096 };
}

/** One-way latencies in ns by payload size, through two Rivulet nodes on the shm transport. */
export async function rivuletShmLatency(mode: "paced" | "pingpong", api: ShmApi, plan: BenchPlan, workDir: string): Promise<Record<string, number[]>> {
  const dir = join(workDir, `rivulet-shm-${api}-${mode}`);
  const out = join(dir, "result.json");
  const spec = mode === "paced" ? plan.paced : plan.pingpong;
  const env = { BENCH_PLAN: JSON.stringify({ mode, api, ...spec }), BENCH_OUT: out };
  const pingpong = mode === "pingpong";
  await runDataflow(dir, {
    transports: { frames: shmTransport(spec) },
    nodes: [
      {
        id: "sender",
        path: join(NODES, "shm-sender.mjs"),
        outputs: ["ping"],
        transport: "frames",
        ...(pingpong ? { inputs: { pong: { source: "receiver/pong", queue_size: 1000 } } } : {}),
        env,
      },
      {
        id: "receiver",
        path: join(NODES, "shm-receiver.mjs"),
        inputs: { ping: { source: "sender/ping", queue_size: 1000, queue_policy: "backpressure" } },
        ...(pingpong ? { outputs: ["pong"] } : {}),
        env,
      },
    ],
  });
  const result = JSON.parse(readFileSync(out, "utf8")) as { oneWayNs: Record<string, number[]>; drops?: number };
  if (result.drops) throw new Error(`the shm latency receiver dropped ${result.drops} messages`);
  return result.oneWayNs;
}

/** The raw shared-memory floor (bench/raw/raw-shm.mjs): one-way latencies in ns by payload size. */
export async function rawShmLatency(mode: "paced" | "pingpong", plan: BenchPlan, workDir: string): Promise<Record<string, number[]>> {
  const dir = join(workDir, `raw-shm-${mode}`);
  mkdirSync(dir, { recursive: true });
  const spec = mode === "paced" ? plan.paced : plan.pingpong;
  const planText = JSON.stringify({ kind: mode, ...spec });
  const socket = join(dir, "raw-shm.sock");
  const out = join(dir, "raw-shm-result.json");
  const segment = `/rivulet-bench-${process.pid}-${mode}`;
  const receiver = fork(RAW, ["receiver", socket, planText, out, segment], { stdio: "inherit" });
  await new Promise((resolve) => receiver.once("message", resolve));
  const sender = fork(RAW, ["sender", socket, planText, out, segment], { stdio: "inherit" });
  await Promise.all([exited(sender, "raw shm sender"), exited(receiver, "raw shm receiver")]);
  return (JSON.parse(readFileSync(out, "utf8")) as { oneWayNs: Record<string, number[]> }).oneWayNs;
}
