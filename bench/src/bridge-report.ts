import { k } from "./format.js";
import type { BenchResults } from "./results.js";
import { BRIDGE_ROLES, BRIDGE_SYSTEMS, type BridgeRow, type BridgeSystem } from "./run-bridge.js";

const SYSTEM_NAMES: Record<BridgeSystem, string> = {
  rivulet: "Rivulet `rivulet/mqtt-bridge` + node",
  "node-red": "Node-RED `mqtt in` -> `function` -> `mqtt out`",
  raw: "raw floor: one mqtt.js client",
};

const PATHS = {
  sink: "device topic -> dataflow output",
  relay: "device topic -> transform -> MQTT out",
};

/** `row`'s rate over `other`'s, such as "0.85x"; "-" when `other` was not measured. */
const ratio = (row: BridgeRow, other: BridgeRow | undefined): string => (other ? `${(row.throughput.messagesPerSecond / other.throughput.messagesPerSecond).toFixed(2)}x` : "-");

/** The "MQTT bridge" section of RESULTS.md; empty when the results have none. */
export function bridgeMarkdown(results: BenchResults): string[] {
  const b = results.bridge;
  if (!b) return [];
  const find = (system: BridgeSystem, like: BridgeRow): BridgeRow | undefined => b.rows.find((r) => r.system === system && r.role === like.role && r.qos === like.qos);
  const nodeRed = b.versions["node-red"] ? `Node-RED ${b.versions["node-red"]} embedded` : "Node-RED (not measured in this run)";
  const lines = [
    "## MQTT bridge: device topics against Node-RED",
    "",
    `One mosquitto ${b.versions.mosquitto ?? ""} on 127.0.0.1; ${nodeRed}. A device (a plain mqtt.js client) publishes JSON readings`,
    `\`{"device":"d3","celsius":21.5,"seq":7}\` on \`sensors/<device>/temperature\` (${b.devices} devices) as fast as the broker takes them, at the`,
    `QoS of the row (every subscription and publication of the row uses it): two rounds of ${Math.ceil(b.messages / 2).toLocaleString("en-US")} per row, each after a warm-up`,
    `of ${b.warmup.toLocaleString("en-US")} readings; msg/s is from the first publish to the last arrival, summed over the rounds. The same JavaScript handles each reading`,
    "on every side (bench/nodes/bridge-handler.mjs). **device topic -> dataflow output**: the reading reaches the first",
    "program and is counted there: a Rivulet node behind `rivulet/mqtt-bridge` (`codec: json` with a schema, the device",
    "captured from the topic) reading `event.rows()`, Node-RED's `function` node behind `mqtt in` (JSON), or the mqtt.js",
    "client's message handler after `JSON.parse`. **device topic -> transform -> MQTT out**: the reading becomes",
    "`{ device, celsius, fahrenheit, seq }`, published as JSON on `out/<device>` (Rivulet: the bridge's publish entry",
    "`out/{device}`), counted by an independent mqtt.js subscriber. Each system has one broker connection; systems run",
    "one at a time, in ABBA order (every system, then every system in reverse order). The device and its subscriber",
    "share one process; with the broker they compete with the system for the CPU, so where the raw floor and Node-RED",
    "are close, the broker and the device set the pace rather than the system.",
    "",
    "| path | QoS | system | received | msg/s | vs Node-RED | vs raw floor |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const role of BRIDGE_ROLES) {
    for (const qos of [...new Set(b.rows.map((r) => r.qos))].sort()) {
      for (const system of BRIDGE_SYSTEMS) {
        const row = b.rows.find((r) => r.system === system && r.role === role && r.qos === qos);
        if (!row) continue;
        lines.push(`| ${PATHS[role]} | ${qos} | ${SYSTEM_NAMES[system]} | ${row.received} of ${row.messages} | ${k(row.throughput.messagesPerSecond)} | ${ratio(row, find("node-red", row))} | ${ratio(row, find("raw", row))} |`);
      }
    }
  }
  lines.push("");
  return lines;
}
