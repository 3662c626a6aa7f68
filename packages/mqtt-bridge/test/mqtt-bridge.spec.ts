import type { Broker } from "@rivulet/test-brokers";
import { beforeAll, describe, expect, it } from "vitest";
import { collect, logs, runBridge, uniqueTopic, until, useMosquitto } from "./bridge-harness.js";
import { startTcpProxy } from "./tcp-proxy.js";

const mosquitto = useMosquitto();
const open = mosquitto.open;
let broker: Broker;
beforeAll(() => {
  broker = mosquitto.broker();
});

describe("device → dataflow", () => {
  it("forwards a device's JSON to the output with the topic, QoS, retain flag and captures in the metadata", async () => {
    const base = uniqueTopic("in");
    const sensor = await open();
    // A retained reading published before the bridge subscribes arrives with mqtt_retain true.
    await sensor.publishAsync(`${base}/dev-0/temperature`, JSON.stringify({ celsius: 19 }), { qos: 1, retain: true });
    const run = await runBridge({
      settings: { url: broker.url, clean_session: true, subscribe: [{ topic: `${base}/+/temperature`, output: "readings", captures: ["device"], schema: { celsius: "float64", unit: "utf8" } }] },
      outputs: ["readings"],
      async whileRunning(bridge) {
        await sensor.publishAsync(`${base}/dev-1/temperature`, JSON.stringify({ celsius: 21, unit: "C", ignored: [1] }), { qos: 1 });
        await sensor.publishAsync(`${base}/dev-2/temperature`, JSON.stringify({ celsius: 22.5 }), { qos: 0 });
        await sensor.publishAsync(`${base}/dev-2/humidity`, JSON.stringify({ percent: 40 }), { qos: 1 });
        await until(() => expect(bridge.stats().forwarded).toBe(3));
      },
    });
    expect(run.outputs.map((output) => output.rows[0])).toEqual([
      { celsius: 19, unit: null },
      { celsius: 21, unit: "C" },
      { celsius: 22.5, unit: null },
    ]);
    expect(run.outputs.map((output) => output.metadata.parameters)).toEqual([
      { mqtt_topic: `${base}/dev-0/temperature`, mqtt_qos: 1, mqtt_retain: true, device: "dev-0" },
      { mqtt_topic: `${base}/dev-1/temperature`, mqtt_qos: 1, mqtt_retain: false, device: "dev-1" },
      { mqtt_topic: `${base}/dev-2/temperature`, mqtt_qos: 0, mqtt_retain: false, device: "dev-2" },
    ]);
    expect(run.bridgeStats).toMatchObject({ received: 3, forwarded: 3, malformed: 0, dropped: 0 });
    await sensor.publishAsync(`${base}/dev-0/temperature`, "", { qos: 1, retain: true });
  });

  it("text and bytes entries, and schema-less JSON arrays as Arrow arrays", async () => {
    const base = uniqueTopic("codecs");
    const sensor = await open();
    const run = await runBridge({
      settings: {
        url: broker.url,
        subscribe: [
          { topic: `${base}/text`, output: "text", codec: "text", qos: 0 },
          { topic: `${base}/bytes`, output: "bytes", codec: "bytes" },
          { topic: `${base}/json`, output: "json" },
        ],
      },
      outputs: ["text", "bytes", "json"],
      async whileRunning(bridge) {
        await sensor.publishAsync(`${base}/text`, "héllo", { qos: 1 });
        await until(() => expect(bridge.stats().forwarded).toBe(1));
        await sensor.publishAsync(`${base}/bytes`, Buffer.from([0, 1, 255]), { qos: 1 });
        await until(() => expect(bridge.stats().forwarded).toBe(2));
        await sensor.publishAsync(`${base}/json`, "[1.5, 2, 3]", { qos: 1 });
        await until(() => expect(bridge.stats().forwarded).toBe(3));
      },
    });
    expect(run.outputs.map((output) => [output.id, output.rows])).toEqual([
      ["text", ["héllo"]],
      ["bytes", [0, 1, 255]],
      ["json", [1.5, 2, 3]],
    ]);
    expect([...run.outputs[1]!.data]).toEqual([0, 1, 255]);
    expect(run.outputs[0]!.metadata.parameters.mqtt_qos).toBe(0);
  });

  it("counts and logs malformed payloads (not JSON, not fitting the schema), rate-limited, and keeps going", async () => {
    const base = uniqueTopic("malformed");
    const sensor = await open();
    const run = await runBridge({
      settings: { url: broker.url, subscribe: [{ topic: `${base}/+`, output: "readings", schema: { celsius: "float64" } }, { topic: `${base}-free/+`, output: "free" }] },
      outputs: ["readings", "free"],
      async whileRunning(bridge) {
        for (let i = 0; i < 50; i++) await sensor.publishAsync(`${base}/d${i}`, i % 2 === 0 ? "{not json" : JSON.stringify({ celsius: "warm" }), { qos: 1 });
        await sensor.publishAsync(`${base}-free/x`, JSON.stringify([1, "mixed"]), { qos: 1 });
        await sensor.publishAsync(`${base}/ok`, JSON.stringify({ celsius: 20 }), { qos: 1 });
        await until(() => expect(bridge.stats()).toMatchObject({ malformed: 51, forwarded: 1 }));
      },
    });
    expect(run.outputs.map((output) => output.rows[0])).toEqual([{ celsius: 20 }]);
    expect(run.bridgeStats.subscribe.map((entry) => entry.malformed)).toEqual([50, 1]);
    const warnings = logs(run).filter((line) => line.level === "warn");
    // The first of each entry at once, then one flush line at close for each entry that had more.
    expect(warnings.map((line) => line.fields?.topic)).toEqual([`${base}/d0`, `${base}-free/x`, `${base}/d49`]);
    expect(warnings[0]!.message).toMatch(/is not valid JSON/);
    expect(warnings[1]!.message).toMatch(/Arrow/);
    expect(warnings[2]).toMatchObject({ message: expect.stringMatching(/does not fit the schema.*: 49 more lines held back/), fields: { suppressed: 49 } });
    expect(logs(run).at(-1)).toMatchObject({ message: "mqtt bridge: closed", fields: { received: 52, forwarded: 1, malformed: 51 } });
  });
});

describe("dataflow → device", () => {
  it("publishes inputs on the templated topic with the entry's codec, QoS and retain; a missing parameter is counted, not published", async () => {
    const base = uniqueTopic("out");
    const watcher = await open();
    const received = await collect(watcher, `${base}/#`, 2);
    const run = await runBridge({
      settings: {
        url: broker.url,
        publish: [
          { input: "alerts", topic: `${base}/alerts/{device}`, qos: 1, retain: true },
          { input: "notes", topic: `${base}/notes/{device}`, codec: "text", qos: 2 },
        ],
      },
      inputs: ["alerts", "notes"],
      events: [
        { id: "alerts", value: { device: "d1", celsius: 31.5 }, metadata: { device: "d1" } },
        { id: "alerts", value: { device: "d2" }, metadata: { room: "x" } },
        { id: "notes", value: "hot", metadata: { device: "d1" } },
      ],
    });
    await until(() => expect(received).toHaveLength(2));
    expect(received).toContainEqual({ topic: `${base}/alerts/d1`, text: JSON.stringify({ device: "d1", celsius: 31.5 }), qos: 1, retain: false });
    expect(received).toContainEqual({ topic: `${base}/notes/d1`, text: "hot", qos: 2, retain: false });
    expect(run.bridgeStats).toMatchObject({ published: 2, unpublishable: 1, publishErrors: 0, dropped: 0 });
    expect(logs(run).some((line) => /lacks the parameter device/.test(line.message))).toBe(true);
    // retain: a subscriber that comes later still gets the alert.
    const late = await open();
    const retained = await collect(late, `${base}/alerts/+`);
    await until(() => expect(retained).toEqual([{ topic: `${base}/alerts/d1`, text: JSON.stringify({ device: "d1", celsius: 31.5 }), qos: 1, retain: true }]));
    await watcher.publishAsync(`${base}/alerts/d1`, "", { retain: true, qos: 1 });
  });
});

describe("availability", () => {
  it("online (retained) after connect, offline after a clean stop", async () => {
    const topic = uniqueTopic("availability");
    const watcher = await open();
    const seen = await collect(watcher, topic);
    await runBridge({
      settings: { url: broker.url, availability: { topic, online: "up", offline: "down" }, subscribe: [{ topic: `${topic}/in`, output: "o" }] },
      outputs: ["o"],
      whileRunning: () => until(() => expect(seen.map((m) => m.text)).toEqual(["up"])),
    });
    await until(() => expect(seen.map((m) => m.text)).toEqual(["up", "down"]));
    const late = await open();
    const retained = await collect(late, topic);
    await until(() => expect(retained).toEqual([{ topic, text: "down", qos: 1, retain: true }]));
  });

  it("the last will says offline when the connection drops abruptly, and online comes back after the reconnect", async () => {
    const topic = uniqueTopic("will");
    const watcher = await open();
    const seen = await collect(watcher, topic);
    // The bridge reaches the broker through a proxy whose connections the test cuts: the
    // broker sees the connection end without a DISCONNECT and publishes the will.
    const proxy = await startTcpProxy(broker.port);
    try {
      const run = await runBridge({
        settings: { url: proxy.url, reconnect_min_ms: 200, reconnect_max_ms: 400, availability: { topic }, subscribe: [{ topic: `${topic}/in`, output: "o" }] },
        outputs: ["o"],
        async whileRunning(bridge) {
          await until(() => expect(seen.map((m) => m.text)).toEqual(["online"]));
          proxy.cut();
          await until(() => expect(seen.map((m) => m.text)).toEqual(["online", "offline", "online"]));
          await until(() => expect(bridge.stats()).toMatchObject({ reconnects: 1, connected: true }));
        },
      });
      expect(seen.map((m) => m.text)).toEqual(["online", "offline", "online", "offline"]);
      expect(logs(run).filter((line) => /lost the broker/.test(line.message))).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});
