import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqttjs from "mqtt";
import { type Broker, freePort, startMosquitto } from "@rivulet/test-brokers";
import { MqttKind, decodeHeader, mqtt } from "../src/index.js";

const credentials = { username: "rivulet", password: "right" };
let open: Broker;
let secured: Broker;
beforeAll(async () => {
  [open, secured] = await Promise.all([startMosquitto(), startMosquitto({ auth: credentials })]);
}, 60_000);
afterAll(async () => {
  await Promise.all([open?.close(), secured?.close()]);
});

const channels = [{ channel: "cam/image", producer: "cam", output: "image", subscribers: ["det"] }];
const plan = (options: Record<string, string | number | boolean>, dataflowName?: string) =>
  mqtt().plan({ dataflowId: "run-1234", ...(dataflowName ? { dataflowName } : {}), runDir: "/nonexistent", options, channels });

describe("mqtt options", () => {
  it("refuses unknown keys and bad values with suggestions, and plan() refuses the same", async () => {
    const options = { urll: "mqtt://h:1", qos: "1", url: "mqqt://127.0.0.1:1883", clean_sesion: false, reconnect_min_ms: 900, reconnect_max_ms: 100, prefix: "a/#" };
    const issues = mqtt().validate!(options);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ["urll"], suggestion: "url" }),
        expect.objectContaining({ path: ["clean_sesion"], suggestion: "clean_session" }),
        expect.objectContaining({ path: ["qos"], suggestion: "1", message: 'qos must be 0, 1 or 2, not "1"' }),
        expect.objectContaining({ path: ["url"], suggestion: "mqtt://127.0.0.1:1883" }),
        expect.objectContaining({ path: ["reconnect_min_ms"], message: "reconnect_min_ms (900) must not exceed reconnect_max_ms (100)" }),
        expect.objectContaining({ path: ["prefix"] }),
      ]),
    );
    expect(issues).toHaveLength(6);
    await expect(plan(options)).rejects.toMatchObject({ name: "InvalidTransportOptionsError", kind: "mqtt", issues });
  });

  it("takes valid options, TLS ones only with mqtts://", () => {
    expect(mqtt().validate!({ url: "mqtts://broker:8883", ca_file: "/ca.pem", cert_file: "/c.pem", key_file: "/k.pem", reject_unauthorized: false, qos: 2, client_id: "cam-1", username: "u", password: "p" })).toEqual([]);
    expect(mqtt().validate!({ url: "mqtt://broker:1883", ca_file: "/ca.pem" })).toEqual([expect.objectContaining({ path: ["ca_file"], message: "ca_file applies to mqtts:// URLs only" })]);
    expect(mqtt().validate!({ password: "p" })).toEqual([expect.objectContaining({ path: ["password"], message: "password needs a username" })]);
  });
});

describe("mqtt planning", () => {
  it("plans one topic per channel under a prefix named after the dataflow, not the run", async () => {
    const [channel] = await plan({ url: open.url }, "camera-demo");
    // The topic only: the rest of the options reach each node at create(), not in its environment.
    expect(channel).toEqual({ channel: "cam/image", kind: "mqtt", connection: { topic: "rivulet/camera-demo/cam/image" } });
    const [custom] = await plan({ url: open.url, prefix: "plant/line-3", qos: 0 }, "camera-demo");
    expect(custom!.connection).toEqual({ topic: "plant/line-3/cam/image" });
  });

  it("fails within a bounded time with a named error naming the URL and the channels when no broker listens", async () => {
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    const error = await plan({ url }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "MqttBrokerUnreachableError", url, channels: ["cam/image"] });
    expect((error as Error).message).toContain(url);
  });

  it("refuses a wrong password, and no password, with MqttNotAuthorizedError", async () => {
    await expect(plan({ url: secured.url, username: "rivulet", password: "wrong" })).rejects.toMatchObject({ name: "MqttNotAuthorizedError", url: secured.url, channels: ["cam/image"] });
    await expect(plan({ url: secured.url })).rejects.toMatchObject({ name: "MqttNotAuthorizedError" });
    const planned = await plan({ url: secured.url, ...credentials, client_id: "cam-1" });
    expect(planned).toHaveLength(1);
    // A plan travels in the nodes' environment: credentials (and every other option) come to create() instead.
    const text = JSON.stringify(planned);
    for (const secret of [credentials.password, secured.url, "cam-1"]) expect(text).not.toContain(secret);
  });

  it("takes its connection settings from the options given to create(), and refuses options plan() would refuse", async () => {
    const [channel] = await plan({ url: open.url, prefix: `create/${process.pid}` });
    const refused = mqtt().create({ dataflowId: "x", nodeId: "cam", options: { url: open.url, qos: 5 } });
    await expect(refused.publish(channel!)).rejects.toMatchObject({ name: "TransportError", channel: "cam/image" });
    await refused.close();
    const secure = mqtt().create({ dataflowId: "x", nodeId: "cam", options: { url: secured.url, ...credentials } });
    try {
      // The plan names no broker: this one reaches the broker of its own options, with their credentials.
      await expect(secure.publish(channel!)).resolves.toMatchObject({ subscriberCount: 0 });
    } finally {
      await secure.close();
    }
  });

  it("lets an outside MQTT client see the channel's frames on its topic", async () => {
    const options = { url: open.url, prefix: `outside/${process.pid}` };
    const [channel] = await plan(options, "demo");
    const topic = `outside/${process.pid}/cam/image`;
    const outsider = await mqttjs.connectAsync(open.url, { clientId: `outsider-${process.pid}` });
    const seen: Buffer[] = [];
    outsider.on("message", (t, payload) => {
      if (t === topic) seen.push(payload);
    });
    await outsider.subscribeAsync(topic, { qos: 1 });
    const transport = mqtt().create({ dataflowId: "x", nodeId: "cam", options });
    try {
      const publisher = await transport.publish(channel!);
      await publisher.send([Uint8Array.of(7, 8, 9)]);
      await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(1);
      expect(decodeHeader(seen[0]!)).toMatchObject({ kind: MqttKind.DATA, seq: 0 });
      expect([...seen[0]!.subarray(16)]).toEqual([7, 8, 9]);
    } finally {
      await transport.close();
      await outsider.endAsync();
    }
  });
});
