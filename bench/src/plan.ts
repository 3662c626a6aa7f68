import type { BridgePlan } from "./run-bridge.js";
import type { OperatorsPlan } from "./run-operators.js";
import type { PatternsPlan } from "./run-patterns.js";
import type { StructPlan } from "./run-struct.js";

/** Sizes and sample counts of one benchmark run. */
export interface BenchPlan {
  quick: boolean;
  /**
   * Latency with one message every `periodMs` (dora-benchmark's mode); sizes of 4 MB and more
   * use `largePeriodMs`, since a socket cannot carry 40 MB every 20 ms.
   */
  paced: { periodMs: number; largePeriodMs: number; warmup: number; sizes: { size: number; samples: number }[] };
  /** Latency back to back: each message waits for the previous one's echo (RTT / 2). */
  pingpong: { warmup: number; sizes: { size: number; samples: number }[] };
  /** Back-to-back sends, 1 -> 1 and 1 -> fanout. */
  throughput: { fanout: number; sizes: { size: number; count: number }[] };
  /** One-row structs end to end (bench/src/run-struct.ts). */
  struct: StructPlan;
  /** The network transports against their raw clients (bench/src/network-section.ts). */
  network: NetworkPlan;
  /** Operators against nodes (bench/src/run-operators.ts). */
  operators: OperatorsPlan;
  /** Services against raw request/reply, and concurrent requests (bench/src/run-patterns.ts). */
  patterns: PatternsPlan;
  /** The MQTT bridge against Node-RED and a plain mqtt.js relay (bench/src/run-bridge.ts). */
  bridge: BridgePlan;
}

/** The network transports measured, each against its own client library. */
export const NETWORK_KINDS = ["zeromq", "nats", "mqtt"] as const;
export type NetworkKind = (typeof NETWORK_KINDS)[number];

/** Ping-pong latency and 1 -> 1 throughput per network transport, for the goal's sizes (up to 4 KB). */
export interface NetworkPlan {
  pingpong: { warmup: number; sizes: { size: number; samples: number }[] };
  throughput: Record<NetworkKind, { size: number; count: number }[]>;
}

export const NETWORK_SIZES = [8, 64, 512, 4096];

/** The small payloads of the patterns goals (request/reply round trips). */
export const PATTERN_SIZES = [8, 64];

export const SIZES = [8, 64, 512, 4096, 40_960, 409_600, 4_194_304, 41_943_040];

/** dora-benchmark's sizes and period; fewer samples for the large sizes. */
export function fullPlan(): BenchPlan {
  const latencySamples = [1000, 1000, 1000, 1000, 1000, 300, 100, 30];
  const pingpongSamples = [5000, 5000, 5000, 3000, 2000, 500, 100, 20];
  const counts = [200_000, 200_000, 100_000, 50_000, 10_000, 2000, 200, 20];
  return {
    quick: false,
    paced: { periodMs: 20, largePeriodMs: 200, warmup: 20, sizes: SIZES.map((size, i) => ({ size, samples: latencySamples[i]! })) },
    // 1000 warm-up round trips (under 0.1 s) let the JIT settle before the first size is measured.
    pingpong: { warmup: 1000, sizes: SIZES.map((size, i) => ({ size, samples: pingpongSamples[i]! })) },
    throughput: { fanout: 4, sizes: SIZES.map((size, i) => ({ size, count: counts[i]! })) },
    struct: { pingpong: { warmup: 1000, samples: 5000 }, throughput: { warmup: 5000, count: 200_000 } },
    network: {
      // 2000 warm-up round trips per size: with 500, the first size measured (8 B) came out 1.6-2.5x
      // its raw client on every transport, and 1.2x once measured again after the others.
      pingpong: { warmup: 2000, sizes: NETWORK_SIZES.map((size) => ({ size, samples: 2000 })) },
      // MQTT (QoS 1 through a broker) is several times slower: fewer messages take as long.
      throughput: { zeromq: sameCount(50_000), nats: sameCount(50_000), mqtt: sameCount(20_000) },
    },
    operators: { chain: { warmup: 5000, count: 200_000 }, startup: { size: 10, rounds: 6 } },
    // As the network plan: 2000 warm-up round trips before the first size; paced, 500 per size (10 s each at 20 ms).
    patterns: {
      hot: { warmup: 2000, sizes: PATTERN_SIZES.map((size) => ({ size, samples: 5000 })) },
      paced: { periodMs: 20, warmup: 20, sizes: PATTERN_SIZES.map((size) => ({ size, samples: 500 })) },
      natsHot: { warmup: 2000, sizes: PATTERN_SIZES.map((size) => ({ size, samples: 2000 })) },
      concurrency: { requests: 1000, rounds: 5, size: 8 },
    },
    // 24 runs (3 systems, 2 roles, 2 QoS, 2 rounds) of 6,000 readings: under a minute on 2 cores,
    // most of it starting and stopping the systems (Node-RED takes ~2 s, a dataflow ~1.5 s).
    bridge: { messages: 12_000, warmup: 1000, devices: 10, qos: [0, 1], nodeRed: true },
  };
}

/** Small counts, for `--quick` and CI: the harness runs end to end in well under a minute. */
export function quickPlan(): BenchPlan {
  return {
    quick: true,
    paced: { periodMs: 5, largePeriodMs: 100, warmup: 2, sizes: SIZES.map((size) => ({ size, samples: size >= 4_194_304 ? 3 : 20 })) },
    pingpong: { warmup: 10, sizes: SIZES.map((size) => ({ size, samples: size >= 4_194_304 ? 3 : 100 })) },
    throughput: { fanout: 4, sizes: SIZES.map((size) => ({ size, count: size >= 4_194_304 ? 5 : size >= 40_960 ? 200 : 5000 })) },
    struct: { pingpong: { warmup: 10, samples: 100 }, throughput: { warmup: 100, count: 5000 } },
    network: { pingpong: { warmup: 10, sizes: NETWORK_SIZES.map((size) => ({ size, samples: 40 })) }, throughput: { zeromq: sameCount(2000), nats: sameCount(2000), mqtt: sameCount(500) } },
    operators: { chain: { warmup: 100, count: 5000 }, startup: { size: 10, rounds: 2 } },
    patterns: {
      hot: { warmup: 10, sizes: PATTERN_SIZES.map((size) => ({ size, samples: 40 })) },
      paced: { periodMs: 5, warmup: 2, sizes: PATTERN_SIZES.map((size) => ({ size, samples: 10 })) },
      natsHot: { warmup: 10, sizes: PATTERN_SIZES.map((size) => ({ size, samples: 40 })) },
      concurrency: { requests: 1000, rounds: 2, size: 8 },
    },
    // Node-RED is a download: not in quick mode (CI).
    bridge: { messages: 500, warmup: 100, devices: 10, qos: [0, 1], nodeRed: false },
  };
}

/**
 * The plan with half the latency samples and half the throughput messages per size (at least
 * 2), for one of the two rounds of an ABBA pair.
 */
export function halveSamples(plan: BenchPlan): BenchPlan {
  const half = (n: number): number => Math.max(2, Math.ceil(n / 2));
  const halve = <T extends { samples: number }>(sizes: T[]): T[] => sizes.map((s) => ({ ...s, samples: half(s.samples) }));
  return {
    ...plan,
    paced: { ...plan.paced, sizes: halve(plan.paced.sizes) },
    pingpong: { ...plan.pingpong, sizes: halve(plan.pingpong.sizes) },
    throughput: { ...plan.throughput, sizes: halveCounts(plan.throughput.sizes) },
    network: {
      pingpong: { ...plan.network.pingpong, sizes: halve(plan.network.pingpong.sizes) },
      throughput: { zeromq: halveCounts(plan.network.throughput.zeromq), nats: halveCounts(plan.network.throughput.nats), mqtt: halveCounts(plan.network.throughput.mqtt) },
    },
  };
}

function halveCounts<T extends { count: number }>(sizes: T[]): T[] {
  return sizes.map((s) => ({ ...s, count: Math.max(2, Math.ceil(s.count / 2)) }));
}

/** The same message count for every network size. */
function sameCount(count: number): { size: number; count: number }[] {
  return NETWORK_SIZES.map((size) => ({ size, count }));
}
