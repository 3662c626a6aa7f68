import { join } from "node:path";
import { type Broker, startMosquitto, startNats } from "@rivulet/test-brokers";
import { NETWORK_KINDS, type NetworkKind, type NetworkPlan } from "./plan.js";
import type { LatencyRow, NetworkSettings, ThroughputRow } from "./results.js";
import { BENCH_MQTT_QOS, type NetworkBrokers, rawNetworkLatency, rawNetworkThroughput, rivuletNetworkLatency, rivuletNetworkThroughput } from "./run-network.js";
import { latencyStats } from "./stats.js";
import { type RoundResult, throughputRows } from "./throughput-rounds.js";

/**
 * The benchmarks' mosquitto settings. The default queue of 1000 messages per subscriber would drop
 * a throughput burst. mosquitto leaves Nagle on by default, which holds a lone small message ~40 ms
 * for the delayed ACK of the one before: off, as any latency-minded deployment sets it (the same
 * broker for every side measured).
 */
export const BENCH_MOSQUITTO_CONFIG = ["max_queued_messages 1000000", "set_tcp_nodelay true"];

/** What the network section adds to the results. */
export interface NetworkSection {
  latency: LatencyRow[];
  throughput: ThroughputRow[];
  failures: string[];
  settings: NetworkSettings;
}

/**
 * The network transports against their raw clients: for each of zeromq, NATS and MQTT,
 * back-to-back latency then throughput 1 -> 1, each in ABBA rounds (`half` holds half the
 * samples). It starts its own nats-server and mosquitto on free ports and closes them at the
 * end, also when a measurement fails. A transport that fails is a failure of the run, named;
 * the others are still measured.
 */
export async function networkSection(half: NetworkPlan, work: string, step: (text: string) => void): Promise<NetworkSection> {
  const section: NetworkSection = { latency: [], throughput: [], failures: [], settings: { zeromq: "ipc", mqttQos: BENCH_MQTT_QOS, brokers: {} } };
  const started: Broker[] = [];
  try {
    const nats = await startNats({ jetstream: false });
    started.push(nats);
    const mosquitto = await startMosquitto({ extraConfig: BENCH_MOSQUITTO_CONFIG });
    started.push(mosquitto);
    section.settings.brokers = { "nats-server": brokerVersion(nats, /Version:\s+(\S+)/), mosquitto: brokerVersion(mosquitto, /mosquitto version (\S+)/) };
    const brokers: NetworkBrokers = { natsUrl: nats.url, mqttUrl: mosquitto.url };
    for (const kind of NETWORK_KINDS) {
      try {
        await measure(kind, half, brokers, work, step, section);
      } catch (error) {
        section.failures.push(`network ${kind}: ${(error as Error).message}`);
      }
    }
  } catch (error) {
    section.failures.push(`network transports: ${(error as Error).message}`);
  } finally {
    await Promise.all(started.map((broker) => broker.close()));
  }
  return section;
}

async function measure(kind: NetworkKind, half: NetworkPlan, brokers: NetworkBrokers, work: string, step: (text: string) => void, section: NetworkSection): Promise<void> {
  const rivulet: Record<string, number[]>[] = [];
  const raw: Record<string, number[]>[] = [];
  for (const [round, order] of ABBA) {
    for (const system of order) {
      step(`latency, back to back: ${system === "rivulet" ? `Rivulet ${kind}` : `raw ${kind} client`} (round ${round})`);
      if (system === "rivulet") rivulet.push(await rivuletNetworkLatency(kind, half, brokers, join(work, round)));
      else raw.push(await rawNetworkLatency(kind, half, brokers, join(work, round)));
    }
  }
  for (const { size } of half.pingpong.sizes) {
    const r = latencyStats(rivulet.flatMap((round) => round[size] ?? []));
    const b = latencyStats(raw.flatMap((round) => round[size] ?? []));
    section.latency.push({ mode: "pingpong", transport: kind, size, rivulet: r, raw: b, ratioP50: r.p50 / b.p50 });
  }
  const rivuletRounds: RoundResult[] = [];
  const rawRounds: RoundResult[] = [];
  for (const [round, order] of ABBA) {
    for (const system of order) {
      step(`throughput 1 -> 1: ${system === "rivulet" ? `Rivulet ${kind}` : `raw ${kind} client`} (round ${round})`);
      if (system === "rivulet") rivuletRounds.push(await rivuletNetworkThroughput(kind, half, brokers, join(work, round)));
      else rawRounds.push(await rawNetworkThroughput(kind, half, brokers, join(work, round)));
    }
  }
  const { rows, failures } = throughputRows(kind, 1, half.throughput[kind], rivuletRounds, rawRounds);
  section.throughput.push(...rows);
  section.failures.push(...failures);
}

const ABBA = [["a", ["rivulet", "raw"]], ["b", ["raw", "rivulet"]]] as const;

/** The version a broker printed when it started, or "unknown". */
export function brokerVersion(broker: Broker, pattern: RegExp): string {
  for (const line of broker.output()) {
    const match = pattern.exec(line);
    if (match) return match[1]!;
  }
  return "unknown";
}
