import { execFileSync } from "node:child_process";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { type Broker, startMosquitto } from "@rivulet/test-brokers";
import type { MqttClient } from "mqtt";
import { beforeAll, describe, expect, it } from "vitest";
import { bridgeConfig, MqttBridge } from "../src/index.js";
import { runNode } from "@rivulet/node/testing";
import { collect, device, logs, runBridge, uniqueTopic, until, useMosquitto } from "./bridge-harness.js";

// Faults: the broker restarting, losing its state, down at start, refusing the credentials.
const mosquitto = useMosquitto();
const open = mosquitto.open;
let broker: Broker;
beforeAll(() => {
  broker = mosquitto.broker();
});
const quick = { reconnect_min_ms: 50, reconnect_max_ms: 200 };

/** Publishes `count` readings numbered from `from` at QoS 1 on `topic`. */
async function publishReadings(sensor: MqttClient, topic: string, from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n++) await sensor.publishAsync(topic, JSON.stringify({ n }), { qos: 1 });
}

describe("a broker restart mid-run", () => {
  it("persistent session: the bridge reconnects, the broker kept its subscription, messages flow again, nothing lost", async () => {
    const base = uniqueTopic("restart");
    const sensor = await open();
    const run = await runBridge({
      settings: { url: broker.url, ...quick, subscribe: [{ topic: `${base}/+`, output: "readings", captures: ["device"] }] },
      outputs: ["readings"],
      async whileRunning(bridge) {
        await publishReadings(sensor, `${base}/d1`, 0, 10);
        await until(() => expect(bridge.stats().forwarded).toBe(10));
        await broker.restart();
        await until(() => expect(bridge.stats()).toMatchObject({ reconnects: 1, connected: true }));
        await until(() => expect(sensor.connected).toBe(true));
        await publishReadings(sensor, `${base}/d1`, 10, 10);
        await until(() => expect(bridge.stats().forwarded).toBe(20));
      },
    });
    expect(run.outputs.map((output) => (output.rows[0] as { n: number }).n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(run.bridgeStats).toMatchObject({ reconnects: 1, resubscribes: 0, dropped: 0, malformed: 0 });
    expect(logs(run).map((line) => line.message)).toEqual(expect.arrayContaining([expect.stringMatching(/lost the broker/), expect.stringMatching(/reconnected/)]));
  });

  it("a broker that lost the session: the bridge subscribes again and messages flow again", async () => {
    const base = uniqueTopic("lost-session");
    const sensor = await open();
    const run = await runBridge({
      settings: { url: broker.url, ...quick, subscribe: [{ topic: `${base}/+`, output: "readings" }] },
      outputs: ["readings"],
      async whileRunning(bridge) {
        await publishReadings(sensor, `${base}/d1`, 0, 3);
        await until(() => expect(bridge.stats().forwarded).toBe(3));
        await broker.stop();
        // The broker's persistent store gone: it comes back knowing no session.
        const store = join(broker.dir, "store");
        for (const file of await readdir(store)) await rm(join(store, file), { force: true });
        await broker.start();
        await until(() => expect(bridge.stats()).toMatchObject({ reconnects: 1, resubscribes: 1, connected: true }));
        await until(() => expect(sensor.connected).toBe(true));
        // The resubscription's SUBACK may trail the CONNACK: publish until one gets through.
        await until(async () => {
          await sensor.publishAsync(`${base}/d1`, JSON.stringify({ n: 3 }), { qos: 1 });
          expect(bridge.stats().forwarded).toBeGreaterThan(3);
        });
      },
    });
    expect(run.bridgeStats.resubscribes).toBe(1);
    expect(run.outputs.length).toBeGreaterThan(3);
    expect(logs(run).some((line) => /session lost: subscribing again/.test(line.message))).toBe(true);
  });

  it("inputs published while the broker is away: QoS 1 goes out after the reconnect, QoS 0 is dropped and counted", async () => {
    const base = uniqueTopic("away");
    const watcher = await open({ clientId: `watch-${process.pid}-${Date.now()}`, clean: false });
    const received = await collect(watcher, `${base}/#`, 1);
    const events = [
      ...Array.from({ length: 5 }, (_, n) => ({ id: "sure", value: { n }, metadata: { device: "d1" } })),
      ...Array.from({ length: 5 }, (_, n) => ({ id: "loose", value: { n }, metadata: { device: "d1" } })),
    ];
    const run = await runBridge({
      settings: { url: broker.url, ...quick, publish: [{ input: "sure", topic: `${base}/sure/{device}`, qos: 1 }, { input: "loose", topic: `${base}/loose/{device}`, qos: 0 }] },
      inputs: ["sure", "loose"],
      events,
      async whileRunning(bridge) {
        await broker.stop();
        await until(() => expect(bridge.stats().connected).toBe(false));
      },
      async beforeClose(bridge) {
        expect(bridge.stats()).toMatchObject({ published: 0, dropped: 5 });
        await broker.start();
        await until(() => expect(bridge.stats().published).toBe(5));
      },
    });
    await until(() => expect(received.map((m) => m.text)).toEqual([0, 1, 2, 3, 4].map((n) => JSON.stringify({ n }))));
    expect(received.every((m) => m.topic === `${base}/sure/d1`)).toBe(true);
    expect(run.bridgeStats).toMatchObject({ published: 5, dropped: 5, publishErrors: 0 });
    expect(run.bridgeStats.publish.map((entry) => entry.dropped)).toEqual([0, 5]);
  });
});

describe("the broker at start", () => {
  it("down at start: the bridge retries with backoff, logging (rate-limited), and starts once the broker is up", async () => {
    const base = uniqueTopic("late");
    await broker.stop();
    let failures = 0;
    let starting: Promise<void> | undefined;
    const run = await runBridge({
      settings: { url: broker.url, ...quick, subscribe: [{ topic: `${base}/+`, output: "readings" }] },
      outputs: ["readings"],
      logIntervalMs: 60_000,
      onLog(_level, message) {
        if (/is not reachable/.test(message)) failures++;
        // Up again only after the bridge failed: the retries are what is under test.
        if (failures > 0) starting ??= broker.start();
      },
      async whileRunning(bridge) {
        const sensor = await open();
        await sensor.publishAsync(`${base}/d1`, JSON.stringify({ ok: true }), { qos: 1 });
        await until(() => expect(bridge.stats().forwarded).toBe(1));
      },
    });
    await starting;
    expect(run.outputs.map((output) => output.rows[0])).toEqual([{ ok: true }]);
    // Several attempts may fail before the broker is up: the log said so once at once
    // (rate-limited), and counted the others in one line at close.
    const lines = logs(run).filter((line) => /is not reachable/.test(line.message));
    expect(lines[0]).toMatchObject({ level: "warn", fields: { url: broker.url } });
    expect(lines.slice(1)).toEqual(failures > 1 ? [expect.objectContaining({ fields: expect.objectContaining({ suppressed: failures - 1 }) })] : []);
    expect(run.bridgeStats.reconnects).toBe(0);
  });

  it("STOP while the broker is down: start() ends with an AbortError", async () => {
    await broker.stop();
    const controller = new AbortController();
    await runNode(async (node) => {
      const bridge = new MqttBridge(node, bridgeConfig({ url: broker.url, ...quick, subscribe: [{ topic: "x/+", output: "o" }] }));
      const starting = bridge.start({ signal: controller.signal });
      controller.abort();
      await expect(starting).rejects.toMatchObject({ name: "AbortError" });
      expect(bridge.stats().connected).toBe(false);
    }, { outputs: ["o"] });
  });

  it("a broker that refuses the credentials: MqttNotAuthorizedError, no retries", async () => {
    const secured = await startMosquitto({ auth: { username: "bridge", password: "right" } });
    try {
      await runNode(async (node) => {
        const bridge = new MqttBridge(node, bridgeConfig({ url: secured.url, username: "bridge", password: "wrong", ...quick, subscribe: [{ topic: "x/+", output: "o" }] }));
        await expect(bridge.start()).rejects.toMatchObject({ name: "MqttNotAuthorizedError", url: secured.url, returnCode: 5 });
      }, { outputs: ["o"] });
      const run = await runBridge({
        settings: { url: secured.url, username: "bridge", password: "right", subscribe: [{ topic: "x/+", output: "o" }] },
        outputs: ["o"],
      });
      expect(logs(run).some((line) => /connected to/.test(line.message))).toBe(true);
    } finally {
      await secured.close();
    }
  });

  it("credentials refused on a reconnect with publishes in flight: failed resolves, close ends, what was out is counted dropped", async () => {
    const secured = await startMosquitto({ auth: { username: "bridge", password: "right" } });
    try {
      await runNode(async (node) => {
        const bridge = new MqttBridge(node, bridgeConfig({ url: secured.url, username: "bridge", password: "right", ...quick, publish: [{ input: "alerts", topic: "out/x", qos: 1 }] }), { closeFlushMs: 500 });
        await bridge.start();
        await secured.stop();
        // The same user, another password: the broker refuses the reconnect.
        execFileSync("mosquitto_passwd", ["-b", join(secured.dir, "passwd"), "bridge", "changed"]);
        const running = bridge.run();
        await until(() => expect(node.stats().inputs.alerts?.received).toBe(3));
        await secured.start();
        const failure = await bridge.failed;
        expect(failure).toMatchObject({ name: "MqttNotAuthorizedError" });
        await bridge.close();
        const stats = bridge.stats();
        expect(stats.publish[0]!.published).toBe(0);
        expect(stats.publish[0]!.dropped).toBe(3);
        void running;
      }, { inputs: ["alerts"], events: [1, 2, 3].map((n) => ({ id: "alerts", value: [n] })) });
    } finally {
      await secured.close();
    }
  });
});
