import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bridgeMarkdown } from "../bench/src/bridge-report.js";
import { quickPlan } from "../bench/src/plan.js";
import { markdownReport } from "../bench/src/report.js";
import type { BenchResults } from "../bench/src/results.js";
import { BRIDGE_ROLES, type BridgeResults, type BridgeRow, type BridgeSystem, bridgeBench } from "../bench/src/run-bridge.js";
import { throughput } from "../bench/src/stats.js";
import { benchResults } from "./helpers/bench-results.js";

const results = (bridge: BridgeResults): BenchResults => benchResults({ bridge });

/** A row of 1,000 readings received in `ms` milliseconds. */
const row = (system: BridgeSystem, role: BridgeRow["role"], qos: 0 | 1, ms: number): BridgeRow => ({ system, role, qos, messages: 1000, received: 1000, throughput: throughput(1000, 40, ms * 1e6) });

const synthetic = (systems: BridgeSystem[]): BridgeResults => ({
  messages: 1000,
  warmup: 100,
  devices: 10,
  versions: { mosquitto: "2.0.11", "node-red": "4.1.15" },
  rows: systems.flatMap((system) => [row(system, "relay", 1, { rivulet: 200, "node-red": 100, raw: 50 }[system]), row(system, "sink", 0, 50)]),
});

describe("benchmark: the bridge section", () => {
  it("reports each system's msg/s with its ratio to Node-RED and to the raw floor", () => {
    const text = bridgeMarkdown(results(synthetic(["rivulet", "node-red", "raw"]))).join("\n");
    expect(text).toContain("## MQTT bridge: device topics against Node-RED");
    expect(text).toContain("| device topic -> transform -> MQTT out | 1 | Rivulet `rivulet/mqtt-bridge` + node | 1000 of 1000 | 5.0 k | 0.50x | 0.25x |");
    expect(text).toContain("| device topic -> transform -> MQTT out | 1 | raw floor: one mqtt.js client | 1000 of 1000 | 20.0 k | 2.00x | 1.00x |");
    expect(text).toMatch(/\| device topic -> dataflow output \| 0 \| Node-RED .* \| 20\.0 k \| 1\.00x \| 1\.00x \|/);
    // Without Node-RED (quick mode, --no-peers) its ratios are "-".
    expect(bridgeMarkdown(results(synthetic(["rivulet", "raw"]))).join("\n")).toContain("| 1000 of 1000 | 5.0 k | - | 0.25x |");
  });

  it("is absent from results measured before it existed", () => {
    const { bridge: _, ...older } = results(synthetic(["raw"]));
    expect(bridgeMarkdown(older)).toEqual([]);
  });

  describe("measured in quick mode", () => {
    const work = mkdtempSync(join(tmpdir(), "rivulet-bench-bridge-"));
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it("measures the bridge and the raw floor in both roles at each QoS, every reading delivered, and renders the report", async () => {
      const plan = quickPlan().bridge;
      expect(plan.nodeRed).toBe(false); // a download: never in CI
      const { bridge, failures } = await bridgeBench(plan, work, () => {});
      expect(failures).toEqual([]);
      expect(bridge.versions.mosquitto).toMatch(/^\d+\.\d+/);
      const expected = plan.qos.flatMap((qos) => (["rivulet", "raw"] as const).flatMap((system) => BRIDGE_ROLES.map((role) => `${system} ${role} ${qos}`)));
      expect(bridge.rows.map((r) => `${r.system} ${r.role} ${r.qos}`).sort()).toEqual(expected.sort());
      for (const r of bridge.rows) {
        // ABBA: two rounds of half the readings.
        expect(r.messages).toBe(2 * Math.ceil(plan.messages / 2));
        expect(r.received).toBe(r.messages);
        expect(r.throughput.messagesPerSecond).toBeGreaterThan(0);
        expect(r.throughput.megabytesPerSecond).toBeGreaterThan(0);
      }
      const report = markdownReport({ ...results(bridge), quick: true });
      expect(report).toMatch(/\| device topic -> dataflow output \| 1 \| Rivulet `rivulet\/mqtt-bridge` \+ node \| \d+ of \d+ \| [\d.]+ k? ?\| - \| \d+\.\d\dx \|/);
      expect(report).toMatch(/\| device topic -> transform -> MQTT out \| 0 \| raw floor: one mqtt\.js client \| .* \| - \| 1\.00x \|/);
    }, 120_000);
  });
});
