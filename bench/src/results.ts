import type { CodecResults } from "./codec-bench.js";
import type { BridgeResults } from "./run-bridge.js";
import type { OperatorsResults } from "./run-operators.js";
import type { PatternsResults } from "./run-patterns.js";
import type { StructResults } from "./run-struct.js";
import type { LatencyStats, Throughput } from "./stats.js";

export interface LatencyRow {
  mode: "paced" | "pingpong";
  transport: string;
  /** For shm rows: how the payload was sent (sendOutput copies it into a slot, sendOutputRaw writes it in place). */
  api?: "sendOutput" | "sendOutputRaw";
  size: number;
  rivulet: LatencyStats;
  raw: LatencyStats;
  /** rivulet p50 / raw p50. */
  ratioP50: number;
}

export interface ThroughputRow {
  transport: string;
  receivers: number;
  size: number;
  rivulet: Throughput;
  raw: Throughput;
  /** rivulet msg/s / raw msg/s. */
  ratio: number;
}

export interface PeerRow {
  name: string;
  detail: string;
  size: number;
  throughput: Throughput;
}

export interface BenchResults {
  date: string;
  /** `git rev-parse --short HEAD` when measured, with "-dirty" if the tree had changes; "unknown" if not recorded. */
  commit?: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; os: string; node: string };
  latency: LatencyRow[];
  throughput: ThroughputRow[];
  peers: PeerRow[];
  notes: string[];
  /** Codec cost per message (encode + decode), measured in this process; absent in older results. */
  codec?: CodecResults;
  /** A one-row 5-field struct end to end through the Unix transport; absent in older results. */
  struct?: StructResults;
  /** How the network transports and their raw clients were set up; absent in older results. */
  network?: NetworkSettings;
  /** Operators against nodes: a chain of 3, and start-up (bench/src/run-operators.ts); absent in older results. */
  operators?: OperatorsResults;
  /** Services against raw request/reply, and 1,000 concurrent requests (bench/src/run-patterns.ts); absent in older results. */
  patterns?: PatternsResults;
  /** The MQTT bridge against Node-RED's MQTT flow and a plain mqtt.js relay (bench/src/run-bridge.ts); absent in older results. */
  bridge?: BridgeResults;
  /** What went wrong (messages lost, a node failed); any entry makes `npm run bench` exit 1. */
  failures?: string[];
}

/** The network section's settings, the same for Rivulet and the raw clients. */
export interface NetworkSettings {
  /** zeromq's protocol: ipc (a socket file). */
  zeromq: "ipc";
  mqttQos: number;
  /** Broker name to the version it printed at start. */
  brokers: Record<string, string>;
}

/** dora-benchmark's published average one-way latency (us), Rust and Python nodes. */
export const DORA_PUBLISHED: Record<number, { rust: number; python: number }> = {
  8: { rust: 104, python: 398 },
  512: { rust: 127, python: 391 },
  4096: { rust: 347, python: 824 },
  40_960: { rust: 428, python: 844 },
  409_600: { rust: 349, python: 864 },
  4_194_304: { rust: 889, python: 1170 },
  41_943_040: { rust: 2523, python: 3187 },
};

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / 1024 / 1024)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
