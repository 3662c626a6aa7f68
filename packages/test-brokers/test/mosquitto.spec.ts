import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Broker, startMosquitto } from "../src/index.js";
import { MqttWire } from "./mqtt-wire.js";

const NOT_AUTHORIZED = 5;

const brokers: Broker[] = [];
const wires: MqttWire[] = [];
afterEach(async () => {
  for (const wire of wires.splice(0)) wire.close();
  await Promise.all(brokers.splice(0).map((broker) => broker.close()));
});

async function kept(broker: Promise<Broker>): Promise<Broker> {
  brokers.push(await broker);
  return brokers.at(-1)!;
}

async function connectMqtt(port: number, options: Parameters<typeof MqttWire.connect>[1] = {}): Promise<Awaited<ReturnType<typeof MqttWire.connect>>> {
  const connected = await MqttWire.connect(port, options);
  wires.push(connected.wire);
  return connected;
}

describe("startMosquitto", () => {
  it("starts mosquitto on a free port that an MQTT client connects to", async () => {
    const broker = await kept(startMosquitto());
    expect(broker.name).toBe("mosquitto");
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect(broker.running).toBe(true);
    expect(broker.pid).toBeGreaterThan(0);
    const { returnCode } = await connectMqtt(broker.port);
    expect(returnCode).toBe(0);
  });

  it("delivers a QoS 1 message between two clients", async () => {
    const broker = await kept(startMosquitto());
    const { wire: subscriber } = await connectMqtt(broker.port);
    expect(await subscriber.subscribe("rvl/t")).toBe(1);
    const { wire: publisher } = await connectMqtt(broker.port);
    await publisher.publish("rvl/t", "hello");
    expect(await subscriber.nextPublish()).toEqual({ topic: "rvl/t", payload: "hello" });
  });

  it("with auth, refuses a wrong password and anonymous clients and accepts the user", async () => {
    const broker = await kept(startMosquitto({ auth: { username: "alice", password: "right" } }));
    expect((await connectMqtt(broker.port, { username: "alice", password: "wrong" })).returnCode).toBe(NOT_AUTHORIZED);
    expect((await connectMqtt(broker.port)).returnCode).toBe(NOT_AUTHORIZED);
    expect((await connectMqtt(broker.port, { username: "alice", password: "right" })).returnCode).toBe(0);
  });

  it("writes a config that listens on 127.0.0.1 only, with persistence in its folder", async () => {
    const broker = await kept(startMosquitto());
    const config = await readFile(join(broker.dir, "mosquitto.conf"), "utf8");
    expect(config).toContain(`listener ${broker.port} 127.0.0.1\n`);
    expect(config).toContain("persistence true\n");
    expect(config).toContain(`persistence_location ${join(broker.dir, "store")}/\n`);
  });

  it("keeps a persistent session and its queued QoS 1 message across a restart", async () => {
    const broker = await kept(startMosquitto());
    const first = await connectMqtt(broker.port, { clientId: "keeper", cleanSession: false });
    expect(first.sessionPresent).toBe(false);
    expect(await first.wire.subscribe("rvl/kept")).toBe(1);
    first.wire.close();
    const { wire: publisher } = await connectMqtt(broker.port);
    await publisher.publish("rvl/kept", "survives");
    publisher.close();

    const port = broker.port;
    await broker.restart();
    expect(broker.port).toBe(port);

    const again = await connectMqtt(broker.port, { clientId: "keeper", cleanSession: false });
    expect(again.sessionPresent).toBe(true);
    expect(await again.wire.nextPublish()).toEqual({ topic: "rvl/kept", payload: "survives" });
  });

  it("keeps the password file across a restart", async () => {
    const broker = await kept(startMosquitto({ auth: { username: "alice", password: "right" } }));
    await broker.restart();
    expect((await connectMqtt(broker.port, { username: "alice", password: "wrong" })).returnCode).toBe(NOT_AUTHORIZED);
    expect((await connectMqtt(broker.port, { username: "alice", password: "right" })).returnCode).toBe(0);
  });
});
