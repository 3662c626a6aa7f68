import { afterEach, describe, expect, it } from "vitest";
import { type Broker, startNats } from "../src/index.js";
import { NatsWire } from "./nats-wire.js";

const AUTHORIZATION_VIOLATION = "-ERR 'Authorization Violation'";

const brokers: Broker[] = [];
const wires: NatsWire[] = [];
afterEach(async () => {
  for (const wire of wires.splice(0)) wire.close();
  await Promise.all(brokers.splice(0).map((broker) => broker.close()));
});

async function kept(broker: Promise<Broker>): Promise<Broker> {
  brokers.push(await broker);
  return brokers.at(-1)!;
}

async function openNats(port: number): Promise<NatsWire> {
  const wire = await NatsWire.open(port);
  wires.push(wire);
  return wire;
}

describe("startNats", () => {
  it("starts nats-server with JetStream on a free port that a client connects to", async () => {
    const nats = await kept(startNats());
    expect(nats.name).toBe("nats-server");
    expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    expect(nats.running).toBe(true);
    const wire = await openNats(nats.port);
    expect(wire.info).toMatchObject({ port: nats.port, jetstream: true });
    expect(await wire.handshake()).toBe("PONG");
  });

  it("runs without JetStream when asked", async () => {
    const nats = await kept(startNats({ jetstream: false }));
    const wire = await openNats(nats.port);
    expect(wire.info["jetstream"]).toBeFalsy();
    expect(await wire.handshake()).toBe("PONG");
  });

  it("with a token, refuses no token and a wrong one and accepts the right one", async () => {
    const nats = await kept(startNats({ auth: { token: "s3cret" } }));
    expect(await (await openNats(nats.port)).handshake()).toBe(AUTHORIZATION_VIOLATION);
    expect(await (await openNats(nats.port)).handshake({ auth_token: "guess" })).toBe(AUTHORIZATION_VIOLATION);
    expect(await (await openNats(nats.port)).handshake({ auth_token: "s3cret" })).toBe("PONG");
  });

  it("with a user and password, refuses a wrong password and accepts the right one", async () => {
    const nats = await kept(startNats({ auth: { user: "bob", password: "p\"w\\d" } }));
    expect(await (await openNats(nats.port)).handshake({ user: "bob", pass: "pwd" })).toBe(AUTHORIZATION_VIOLATION);
    expect(await (await openNats(nats.port)).handshake({ user: "bob", pass: "p\"w\\d" })).toBe("PONG");
  });

  it("keeps a JetStream stream and its messages across a restart on the same port", async () => {
    const nats = await kept(startNats());
    const wire = await openNats(nats.port);
    expect(await wire.handshake()).toBe("PONG");
    wire.send("SUB _INBOX.test 1\r\n");
    const created = JSON.parse(await wire.request("$JS.API.STREAM.CREATE.KEPT", JSON.stringify({ name: "KEPT", subjects: ["kept.>"], storage: "file" }), "_INBOX.test")) as Record<string, unknown>;
    expect(created["error"]).toBeUndefined();
    const ack = JSON.parse(await wire.request("kept.one", "survives", "_INBOX.test")) as Record<string, unknown>;
    expect(ack).toMatchObject({ stream: "KEPT", seq: 1 });
    wire.close();

    const port = nats.port;
    await nats.restart();
    expect(nats.port).toBe(port);

    const again = await openNats(nats.port);
    expect(await again.handshake()).toBe("PONG");
    again.send("SUB _INBOX.again 1\r\n");
    const info = JSON.parse(await again.request("$JS.API.STREAM.INFO.KEPT", "", "_INBOX.again")) as { state?: { messages: number } };
    expect(info.state?.messages).toBe(1);
  });
});
