import { fork } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunResult } from "@rivulet/daemon";
import { DEFAULT_MQTT_QOS } from "@rivulet/transport-mqtt";
import type { NetworkKind, NetworkPlan } from "./plan.js";
import { exited } from "./run-raw.js";
import { type ThroughputFile, mergeThroughput, runDataflow } from "./run-rivulet.js";
import type { RoundResult } from "./throughput-rounds.js";

const NODES = fileURLToPath(new URL("../nodes/", import.meta.url));
const RAW = fileURLToPath(new URL("../raw/", import.meta.url));

/** The QoS of both MQTT sides: the mqtt transport's default. */
export const BENCH_MQTT_QOS = DEFAULT_MQTT_QOS;

/** Where the brokers of this run listen. */
export interface NetworkBrokers {
  natsUrl: string;
  mqttUrl: string;
}

/** A network transport's options in the generated dataflow. */
function transportOptions(kind: NetworkKind, brokers: NetworkBrokers): object {
  if (kind === "nats") return { kind, servers: brokers.natsUrl };
  if (kind === "mqtt") return { kind, url: brokers.mqttUrl, qos: BENCH_MQTT_QOS };
  return { kind, protocol: "ipc" };
}

/**
 * An input over the `net` transport. zeromq has flow control: backpressure, as on Unix sockets.
 * NATS and MQTT refuse backpressure: drop_oldest, with a queue that holds every message of a
 * size, so that a drop means a lost message (and fails the run) rather than a slow consumer.
 */
function netInput(kind: NetworkKind, source: string, messages: number, backpressureQueue: number): object {
  const queue = kind === "zeromq" ? { queue_size: backpressureQueue, queue_policy: "backpressure" } : { queue_size: messages + 1000, queue_policy: "drop_oldest" };
  return { source, transport: "net", ...queue };
}

/** How long a network run may take: a minute to start and stop, plus 2 ms per message (MQTT's pace with margin). */
const deadline = (messages: number): number => 60_000 + 2 * messages;

/** Throws when any node of the run counted a drop, on an input or an output. */
export function checkDrops(result: RunResult, what: string): void {
  const drops = result.nodes.flatMap((n) => [...Object.entries(n.drops.inputs), ...Object.entries(n.drops.outputs)].map(([port, count]) => `${n.id}/${port}: ${count}`));
  if (drops.length > 0) throw new Error(`${what} dropped messages (${drops.join(", ")})`);
}

/** One-way latencies (ns) by payload size, back to back, through two Rivulet nodes on `kind`. */
export async function rivuletNetworkLatency(kind: NetworkKind, plan: NetworkPlan, brokers: NetworkBrokers, workDir: string): Promise<Record<string, number[]>> {
  const dir = join(workDir, `rivulet-${kind}-pingpong`);
  const out = join(dir, "result.json");
  const env = { BENCH_PLAN: JSON.stringify({ mode: "pingpong", ...plan.pingpong }), BENCH_OUT: out };
  const result = await runDataflow(dir, {
    transports: { net: transportOptions(kind, brokers) },
    nodes: [
      { id: "sender", path: join(NODES, "latency-sender.mjs"), outputs: ["ping"], inputs: { pong: netInput(kind, "receiver/pong", 1, 1000) }, env },
      { id: "receiver", path: join(NODES, "latency-receiver.mjs"), inputs: { ping: netInput(kind, "sender/ping", 1, 1000) }, outputs: ["pong"], env },
    ],
  }, deadline(2 * plan.pingpong.sizes.reduce((sum, s) => sum + s.samples + plan.pingpong.warmup, 0)));
  checkDrops(result, `Rivulet ${kind} ping-pong`);
  return (JSON.parse(readFileSync(out, "utf8")) as { oneWayNs: Record<string, number[]> }).oneWayNs;
}

/** Per size: messages received and ns from the first send to the last arrival, 1 -> 1 on `kind`. */
export async function rivuletNetworkThroughput(kind: NetworkKind, plan: NetworkPlan, brokers: NetworkBrokers, workDir: string): Promise<RoundResult> {
  const dir = join(workDir, `rivulet-${kind}-throughput`);
  const out = join(dir, "result.json");
  const sizes = plan.throughput[kind];
  // Warm-up messages (at most 1000 per size) travel too.
  const largest = Math.max(...sizes.map((s) => s.count)) + 1000;
  const result = await runDataflow(dir, {
    transports: { net: transportOptions(kind, brokers) },
    nodes: [
      { id: "sender", path: join(NODES, "throughput-sender.mjs"), outputs: ["data"], env: { BENCH_PLAN: JSON.stringify({ sizes }) } },
      { id: "receiver", path: join(NODES, "throughput-receiver.mjs"), inputs: { data: netInput(kind, "sender/data", largest, 100) }, env: { BENCH_OUT: out } },
    ],
  }, deadline(sizes.reduce((sum, s) => sum + s.count + 1000, 0)));
  checkDrops(result, `Rivulet ${kind} throughput`);
  return mergeThroughput([JSON.parse(readFileSync(out, "utf8")) as ThroughputFile]);
}

/** Runs bench/raw/raw-<kind>.mjs as a receiver and a sender; resolves to the file holding the results. */
async function runRawNetwork(kind: NetworkKind, brokers: NetworkBrokers, plan: object, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const script = join(RAW, `raw-${kind}.mjs`);
  const endpoint = kind === "nats" ? brokers.natsUrl : kind === "mqtt" ? brokers.mqttUrl : `ipc://${join(dir, "raw.zmq")}`;
  const planText = JSON.stringify({ ...plan, qos: BENCH_MQTT_QOS });
  const out = join(dir, "raw-result.json");
  const receiver = fork(script, ["receiver", endpoint, planText, out], { stdio: "inherit" });
  const receiverExit = exited(receiver, `raw ${kind} receiver`);
  // A receiver that fails before it is ready rejects here instead of leaving the wait hanging.
  await Promise.race([new Promise((resolve) => receiver.once("message", resolve)), receiverExit]);
  const sender = fork(script, ["sender", endpoint, planText, out], { stdio: "inherit" });
  await Promise.all([exited(sender, `raw ${kind} sender`), receiverExit]);
  return out;
}

/** The raw client's one-way latencies (ns) by payload size, back to back. */
export async function rawNetworkLatency(kind: NetworkKind, plan: NetworkPlan, brokers: NetworkBrokers, workDir: string): Promise<Record<string, number[]>> {
  const out = await runRawNetwork(kind, brokers, { kind: "pingpong", ...plan.pingpong }, join(workDir, `raw-${kind}-pingpong`));
  return (JSON.parse(readFileSync(out, "utf8")) as { oneWayNs: Record<string, number[]> }).oneWayNs;
}

/** The raw client's throughput 1 -> 1 per size. */
export async function rawNetworkThroughput(kind: NetworkKind, plan: NetworkPlan, brokers: NetworkBrokers, workDir: string): Promise<RoundResult> {
  const out = await runRawNetwork(kind, brokers, { kind: "throughput", sizes: plan.throughput[kind] }, join(workDir, `raw-${kind}-throughput`));
  return mergeThroughput([JSON.parse(readFileSync(out, "utf8")) as ThroughputFile]);
}
