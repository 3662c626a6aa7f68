import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMosquitto } from "@rivulet/test-brokers";
import { BENCH_MOSQUITTO_CONFIG, brokerVersion } from "./network-section.js";
import { PEERS_DIR, installNodeRed } from "./node-red.js";
import { checkDrops } from "./run-network.js";
import { runDataflow } from "./run-rivulet.js";
import { type Throughput, throughput } from "./stats.js";

const BENCH = fileURLToPath(new URL("../", import.meta.url));
const DEVICE = join(BENCH, "raw", "mqtt-device.mjs");
const RELAY = join(BENCH, "raw", "mqtt-relay.mjs");
const NODE_RED = join(BENCH, "peers", "node-red-mqtt.mjs");
const HANDLER_NODE = join(BENCH, "nodes", "bridge-node.mjs");

/** The bridge section's counts (bench/src/plan.ts). */
export interface BridgePlan {
  /** Measured readings per system, role and QoS (half in each of two rounds), each round after `warmup` that are not measured. */
  messages: number;
  warmup: number;
  /** The measured readings go round-robin to this many devices (topics sensors/d0/temperature...). */
  devices: number;
  qos: MqttQos[];
  /** Whether Node-RED is measured (installed on first use; not in quick mode). */
  nodeRed: boolean;
}

export type MqttQos = 0 | 1;

/** Rivulet's bridge, Node-RED's MQTT nodes, and the floor: one plain mqtt.js client. */
export const BRIDGE_SYSTEMS = ["rivulet", "node-red", "raw"] as const;
export type BridgeSystem = (typeof BRIDGE_SYSTEMS)[number];

/**
 * sink: device topic to the dataflow's first program (counted there); relay: device topic through
 * a transform back out to MQTT (counted by an independent subscriber). See nodes/bridge-handler.mjs.
 */
export const BRIDGE_ROLES = ["sink", "relay"] as const;
export type BridgeRole = (typeof BRIDGE_ROLES)[number];

/** One system, role and QoS. */
export interface BridgeRow {
  system: BridgeSystem;
  role: BridgeRole;
  qos: MqttQos;
  /** Readings published in the measured bursts (both rounds). */
  messages: number;
  /** Readings that arrived: a shortfall is a failure of the run. */
  received: number;
  /** From the device's first measured publish to the last arrival (MB/s from the JSON payloads). */
  throughput: Throughput;
}

/** What the bridge section measured. */
export interface BridgeResults {
  messages: number;
  warmup: number;
  devices: number;
  /** "mosquitto" and, when measured, "node-red" to the version that ran. */
  versions: Record<string, string>;
  rows: BridgeRow[];
}

/** What raw/mqtt-device.mjs reports. */
interface DeviceFigures {
  messages: number;
  bytes: number;
  received: number;
  ns: number;
}

/**
 * The bridge section: on one mosquitto (started here on a free port, closed at the end), for each
 * QoS, each system and each role, a device publishes JSON readings as fast as the broker takes
 * them and the section times them from the first publish to the last arrival. Systems run one at a
 * time, in ABBA rounds of half the readings each (every system, then every system in reverse
 * order) so that a drift of the machine favours none. A system that fails or loses readings is a
 * failure, named; the others are still measured (a row sums the rounds that ran).
 */
export async function bridgeBench(plan: BridgePlan, work: string, step: (text: string) => void): Promise<{ bridge: BridgeResults; failures: string[] }> {
  const failures: string[] = [];
  const bridge: BridgeResults = { messages: plan.messages, warmup: plan.warmup, devices: plan.devices, versions: {}, rows: [] };
  let systems: readonly BridgeSystem[] = BRIDGE_SYSTEMS.filter((system) => system !== "node-red" || plan.nodeRed);
  if (plan.nodeRed) {
    try {
      bridge.versions["node-red"] = installNodeRed(PEERS_DIR);
    } catch (error) {
      failures.push(`bridge: Node-RED could not be installed: ${(error as Error).message}`);
      systems = systems.filter((system) => system !== "node-red");
    }
  }
  const broker = await startMosquitto({ extraConfig: BENCH_MOSQUITTO_CONFIG });
  try {
    bridge.versions.mosquitto = brokerVersion(broker, /mosquitto version (\S+)/);
    const half = Math.max(2, Math.ceil(plan.messages / 2));
    for (const qos of plan.qos) {
      const rounds = new Map<string, DeviceFigures[]>();
      for (const [round, order] of [["a", systems], ["b", [...systems].reverse()]] as const) {
        for (const system of order) {
          for (const role of BRIDGE_ROLES) {
            const what = `${system} ${role} at QoS ${qos}`;
            step(`bridge: ${what} (round ${round})`);
            try {
              const got = await measure(system, role, qos, { ...plan, messages: half }, broker.url, join(work, `${system}-${role}-qos${qos}-${round}`));
              rounds.set(what, [...(rounds.get(what) ?? []), got]);
            } catch (error) {
              failures.push(`bridge ${what} (round ${round}): ${(error as Error).message}`);
              // Every later run would fail the same way: stop measuring, keep what was measured.
              if (!broker.running) {
                failures.push(`bridge: mosquitto is no longer running (its last output: ${broker.output().slice(-3).join(" | ") || "none"}); the rest of the section was not measured`);
                return { bridge, failures };
              }
            }
          }
        }
      }
      bridge.rows.push(...qosRows(systems, qos, half, rounds, failures));
    }
  } finally {
    await broker.close();
  }
  return { bridge, failures };
}

/** One QoS's rows from its rounds (keyed "<system> <role> at QoS <qos>"), adding a failure for each shortfall. */
function qosRows(systems: readonly BridgeSystem[], qos: MqttQos, half: number, rounds: Map<string, DeviceFigures[]>, failures: string[]): BridgeRow[] {
  const rows: BridgeRow[] = [];
  for (const system of systems) {
    for (const role of BRIDGE_ROLES) {
      const got = rounds.get(`${system} ${role} at QoS ${qos}`) ?? [];
      if (got.length === 0) continue;
      const sum = (key: keyof DeviceFigures): number => got.reduce((total, figures) => total + figures[key], 0);
      const [messages, received] = [2 * half, sum("received")];
      if (received !== messages) failures.push(`bridge ${system} ${role} at QoS ${qos}: ${received} of ${messages} readings arrived over both rounds`);
      rows.push({ system, role, qos, messages, received, throughput: throughput(received, sum("bytes") / sum("messages"), sum("ns")) });
    }
  }
  return rows;
}

/** Starts `system`, runs the device against it, stops it; throws when either fails. */
async function measure(system: BridgeSystem, role: BridgeRole, qos: MqttQos, plan: BridgePlan, url: string, dir: string): Promise<DeviceFigures> {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const running = runSystem(system, role, qos, plan, url, dir, stopped);
  const device = forkProgram(DEVICE, [url, JSON.stringify({ qos, role, messages: plan.messages, warmup: plan.warmup, devices: plan.devices })], "the device (raw/mqtt-device.mjs)");
  const figures = new Promise<DeviceFigures>((resolve) => device.child.once("message", (message) => resolve(message as DeviceFigures)));
  const deviceDone = Promise.all([figures, device.exited]).then(([got]) => got);
  const endedEarly = running.then(() => Promise.reject(new Error(`${system} ended before the device had its figures`)));
  // Whichever loses the race is settled later: handled here, so never an unhandled rejection.
  deviceDone.catch(() => {});
  endedEarly.catch(() => {});
  let got: DeviceFigures;
  try {
    got = await Promise.race([deviceDone, endedEarly]);
  } catch (error) {
    device.child.kill();
    stop();
    await running.catch(() => {});
    throw error;
  }
  stop();
  await running; // a system that fails at stop, or dropped readings, fails the measurement
  return got;
}

/** Runs `system` until `stopped`; resolves once it ended cleanly, rejects when it failed. */
function runSystem(system: BridgeSystem, role: BridgeRole, qos: MqttQos, plan: BridgePlan, url: string, dir: string, stopped: Promise<void>): Promise<unknown> {
  if (system === "rivulet") {
    const deadline = 60_000 + 2 * (plan.messages + plan.warmup);
    return runDataflow(dir, bridgeDataflow(role, qos, plan, url), deadline, stopped).then((result) => checkDrops(result, `the Rivulet bridge (${role}, QoS ${qos})`));
  }
  const args = [url, String(qos), role, String(plan.messages)];
  const { child, exited } = system === "raw" ? forkProgram(RELAY, args, "the raw mqtt.js relay") : forkProgram(NODE_RED, [PEERS_DIR, ...args], "Node-RED");
  void stopped.then(() => child.connected && child.send("stop"));
  return exited;
}

/**
 * Forks `script`, its stderr passed through and its last lines kept: `exited` resolves when it
 * exits 0 and rejects otherwise, naming `what` and quoting those lines (as run-raw.ts `exited`,
 * with the reason).
 */
function forkProgram(script: string, args: string[], what: string): { child: ChildProcess; exited: Promise<void> } {
  const child = fork(script, args, { stdio: ["ignore", "inherit", "pipe", "ipc"] });
  let tail: string[] = [];
  child.stderr!.setEncoding("utf8").on("data", (text: string) => {
    process.stderr.write(text);
    // Stack frames and Node's version line say less than the message before them.
    tail = [...tail, ...text.split("\n").filter((line) => line.trim() !== "" && !/^\s*at |^Node\.js v/.test(line))].slice(-3);
  });
  // "close" comes after the stderr stream ended, so the tail is complete.
  const closed = new Promise<void>((resolve, reject) => {
    child.once("close", (code, signal) => (code === 0 ? resolve() : reject(new Error(`${what} exited with ${code ?? signal}${tail.length > 0 ? `: ${tail.join(" | ")}` : ""}`))));
  });
  return { child, exited: closed };
}

/**
 * The Rivulet side: one `rivulet/mqtt-bridge` (one broker connection, as Node-RED's broker node)
 * subscribed to sensors/+/temperature into `readings` (JSON with a schema, the device captured from
 * the topic), the handler node (nodes/bridge-node.mjs), and the bridge's publish entry for the
 * handler's `out` on out/{device}. Queues hold every reading of a run: a drop is a loss.
 */
export function bridgeDataflow(role: BridgeRole, qos: MqttQos, plan: BridgePlan, url: string): object {
  const queue = { queue_size: plan.messages + plan.warmup + 1000, queue_policy: "drop_oldest" };
  return {
    nodes: [
      {
        id: "devices",
        path: "rivulet/mqtt-bridge",
        outputs: ["readings"],
        inputs: { out: { source: "handler/out", ...queue } },
        config: {
          url,
          client_id: `rivulet-bench-bridge-${role}-${qos}-${process.pid}`,
          clean_session: true,
          subscribe: [{ topic: "sensors/+/temperature", output: "readings", codec: "json", qos, captures: ["device"], schema: { device: "utf8", celsius: "float64", seq: "int32" } }],
          publish: [{ input: "out", topic: "out/{device}", codec: "json", qos }],
        },
      },
      {
        id: "handler",
        path: HANDLER_NODE,
        inputs: { readings: { source: "devices/readings", ...queue } },
        outputs: ["out"],
        env: { BRIDGE_ROLE: role, BENCH_MESSAGES: String(plan.messages) },
      },
    ],
  };
}
