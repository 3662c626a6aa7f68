import { k, mark, us } from "./format.js";
import { NETWORK_KINDS } from "./plan.js";
import { type BenchResults, formatSize } from "./results.js";

const isNetwork = (transport: string): boolean => (NETWORK_KINDS as readonly string[]).includes(transport);

/** The "Network transports" section of RESULTS.md; empty when the results have no network rows. */
export function networkMarkdown(results: BenchResults): string[] {
  const latency = results.latency.filter((r) => isNetwork(r.transport));
  const throughput = results.throughput.filter((r) => isNetwork(r.transport));
  if (latency.length === 0 && throughput.length === 0) return [];
  const s = results.network;
  const brokers = s ? Object.entries(s.brokers).map(([name, version]) => `${name} ${version}`).join(", ") : "unknown";
  const lines = [
    "## Network transports",
    "",
    "Each transport against the client library it is built on, in two plain Node processes written with care: zeromq.js",
    "(DEALER/ROUTER echo, PUSH/PULL throughput), nats.js (core NATS, callback subscriptions), mqtt.js (one connection per",
    "process). Both sides see the same broker, started by the benchmark on this machine; NATS and MQTT inputs use",
    "drop_oldest with a queue that holds every message, and any drop or missing message fails the run.",
    "",
    `Settings: zeromq over ${s?.zeromq ?? "ipc"}; MQTT QoS ${s?.mqttQos ?? "?"} on both sides (the transport's default), mosquitto with \`set_tcp_nodelay true\` and the raw client with \`setNoDelay\`; brokers: ${brokers}.`,
    "",
  ];
  if (latency.length > 0) {
    lines.push("Latency, back to back, one-way = round trip / 2 (us):", "");
    lines.push("| transport | size | samples | Rivulet p50 | p90 | p99 | max | raw client p50 | p90 | p99 | max | ratio p50 |", "|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const r of latency) {
      lines.push(`| ${r.transport} | ${formatSize(r.size)} | ${r.rivulet.samples} | ${us(r.rivulet.p50)} | ${us(r.rivulet.p90)} | ${us(r.rivulet.p99)} | ${us(r.rivulet.max)} | ${us(r.raw.p50)} | ${us(r.raw.p90)} | ${us(r.raw.p99)} | ${us(r.raw.max)} | ${r.ratioP50.toFixed(2)} |`);
    }
    lines.push("");
  }
  if (throughput.length > 0) {
    lines.push("Throughput, 1 -> 1, back-to-back sends:", "");
    lines.push("| transport | size | messages | Rivulet msg/s | MB/s | raw client msg/s | MB/s | ratio |", "|---|---|---|---|---|---|---|---|");
    for (const r of throughput) {
      lines.push(`| ${r.transport} | ${formatSize(r.size)} | ${r.rivulet.messages} | ${k(r.rivulet.messagesPerSecond)} | ${r.rivulet.megabytesPerSecond.toFixed(1)} | ${k(r.raw.messagesPerSecond)} | ${r.raw.megabytesPerSecond.toFixed(1)} | ${r.ratio.toFixed(2)} |`);
    }
    lines.push("");
  }
  return lines;
}

/** The network goals, per transport: p50 within 1.3x and throughput at least 0.75x of its raw client, up to 4 KB. */
export function networkGoals(results: BenchResults): string[] {
  const out: string[] = [];
  for (const kind of NETWORK_KINDS) {
    const hot = results.latency.filter((r) => r.transport === kind && r.mode === "pingpong" && r.size <= 4096);
    if (hot.length > 0) {
      const worst = hot.reduce((a, b) => (b.ratioP50 > a.ratioP50 ? b : a));
      out.push(`${mark(hot.every((r) => r.ratioP50 <= 1.3))} ${kind} p50 within 1.3x of its raw client up to 4 KB (hot path): worst ${worst.ratioP50.toFixed(2)}x at ${formatSize(worst.size)} (${us(worst.rivulet.p50)} us against ${us(worst.raw.p50)} us)`);
    }
    const flows = results.throughput.filter((r) => r.transport === kind && r.receivers === 1 && r.size <= 4096);
    if (flows.length > 0) {
      const worst = flows.reduce((a, b) => (b.ratio < a.ratio ? b : a));
      out.push(`${mark(flows.every((r) => r.ratio >= 0.75))} ${kind} throughput >= 0.75x of its raw client up to 4 KB: worst ${worst.ratio.toFixed(2)}x at ${formatSize(worst.size)} (${k(worst.rivulet.messagesPerSecond)} against ${k(worst.raw.messagesPerSecond)} msg/s)`);
    }
  }
  return out;
}
