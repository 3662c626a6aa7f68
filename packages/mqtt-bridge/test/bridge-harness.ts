import type { Json } from "@rivulet/core";
import type { Node } from "@rivulet/node";
import { type NodeRun, runNode, type ScriptedEvent } from "@rivulet/node/testing";
import mqttjs, { type IClientOptions, type MqttClient } from "mqtt";
import { type Broker, startMosquitto } from "@rivulet/test-brokers";
import { afterAll, afterEach, beforeAll, vi } from "vitest";
import { bridgeConfig, type BridgeStats, MqttBridge } from "../src/index.js";

/** A topic prefix of its own for each test, so that retained messages of one never reach another. */
export const uniqueTopic = (name: string): string => `bridge-test/${process.pid}/${name}/${Math.random().toString(36).slice(2, 8)}`;

/**
 * One real mosquitto for the spec file (started before all, closed after all, started again
 * after each test that stopped it), and plain clients on it that are ended after each test.
 */
export function useMosquitto(): { broker: () => Broker; open: (options?: IClientOptions) => Promise<MqttClient> } {
  let broker: Broker | undefined;
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    broker = await startMosquitto();
  }, 60_000);
  afterEach(async () => {
    await broker?.start();
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  });
  afterAll(async () => {
    await broker?.close();
  });
  return {
    broker: () => broker!,
    open: async (options = {}) => {
      const client = await device(broker!.url, options);
      clients.push(client);
      return client;
    },
  };
}

/** A plain MQTT client standing for a device or an outside subscriber. */
export async function device(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return mqttjs.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 50, ...options });
}

/** Messages a plain client receives on `filter`, collected in order. */
export async function collect(client: MqttClient, filter: string, qos: 0 | 1 | 2 = 1): Promise<{ topic: string; text: string; qos: number; retain: boolean }[]> {
  const messages: { topic: string; text: string; qos: number; retain: boolean }[] = [];
  client.on("message", (topic, payload, packet) => {
    if (matches(filter, topic)) messages.push({ topic, text: payload.toString("utf8"), qos: packet.qos, retain: packet.retain });
  });
  await client.subscribeAsync(filter, { qos });
  return messages;
}

function matches(filter: string, topic: string): boolean {
  const pattern = `^${filter.replace(/[.*?^${}()|[\]\\]/g, "\\$&").replace(/\+/g, "[^/]*").replace(/\/#$/, "(/.*)?")}$`;
  return new RegExp(pattern).test(topic);
}

/** Waits (polling, up to 15 s) until `check` passes. */
export const until = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: 15_000, interval: 20 });

/** What one bridge run gave: the node's run, and the bridge's counters after close. */
export interface BridgeRun extends NodeRun {
  bridgeStats: BridgeStats;
}

/** Options of `runBridge`. */
export interface RunBridgeInit {
  settings: Record<string, Json>;
  outputs?: string[];
  inputs?: string[];
  events?: ScriptedEvent[];
  nodeId?: string;
  logIntervalMs?: number;
  /** Sees every log line of the bridge as it is written (before `start()`, too). */
  onLog?: (level: string, message: string) => void;
  /** Runs after `start()`, before `run()` reads the scripted events. */
  whileRunning?: (bridge: MqttBridge, node: Node) => Promise<void>;
  /** Runs after `run()`, before `close()`. */
  beforeClose?: (bridge: MqttBridge) => Promise<void>;
}

/** Runs a bridge as main.ts does (start, run, close) on a scripted node. */
export async function runBridge(init: RunBridgeInit): Promise<BridgeRun> {
  let bridgeStats: BridgeStats | undefined;
  const run = await runNode(
    async (node) => {
      const onLog = init.onLog;
      if (onLog) {
        const log = node.log.bind(node);
        node.log = (level, message, fields) => {
          onLog(level, message);
          log(level, message, fields);
        };
      }
      const bridge = new MqttBridge(node, bridgeConfig(init.settings), { closeFlushMs: 3_000, ...(init.logIntervalMs !== undefined ? { logIntervalMs: init.logIntervalMs } : {}) });
      await bridge.start();
      try {
        await init.whileRunning?.(bridge, node);
        await bridge.run();
        await init.beforeClose?.(bridge);
      } finally {
        await bridge.close();
        bridgeStats = bridge.stats();
      }
    },
    {
      settings: init.settings,
      outputs: init.outputs ?? [],
      ...(init.inputs ? { inputs: init.inputs } : {}),
      ...(init.events ? { events: init.events } : {}),
      nodeId: init.nodeId ?? `bridge${Math.random().toString(36).slice(2, 8)}`,
    },
  );
  return { ...run, bridgeStats: bridgeStats! };
}

/** The log lines of a run. */
export const logs = (run: NodeRun): { level: string; message: string; fields?: Record<string, unknown> }[] =>
  run.reports.flatMap((report) => (report.type === "log" ? [report] : []));
