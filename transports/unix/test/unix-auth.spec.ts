import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PlannedChannel, Publisher, Transport } from "@rivulet/core";
import { type Recorder, planChannel, record, seqChunk, until } from "@rivulet/transport-compliance";
import { type UnixConnection, unix, unixConnection } from "../src/index.js";
import { type Intruder, connectIntruder, helloBody } from "./intruder.js";

const HELLO = 2;
const CREDIT = 5;
const MB = 1024 * 1024;

let runDir: string;
const transports: Transport[] = [];
beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), "rvl-auth-"));
});
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await rm(runDir, { recursive: true, force: true });
});

/** A publisher of `a/out` planned for subscriber `b`, with `b` subscribed and recording. */
async function channelWithSubscriber(plugin = unix()): Promise<{ channel: PlannedChannel; connection: UnixConnection; publisher: Publisher; legit: Recorder }> {
  const channel = await planChannel({ plugin, runDir }, "a/out", ["b"]);
  const [producer, consumer] = [plugin.create({ dataflowId: "x", nodeId: "a" }), plugin.create({ dataflowId: "x", nodeId: "b" })];
  transports.push(producer, consumer);
  const publisher = await producer.publish(channel);
  const legit = await record(consumer, channel, "b", { keepBytes: 8 });
  return { channel, connection: unixConnection(channel), publisher, legit };
}

/** Sends 8 MB to the legitimate subscriber and waits until it has them all. */
async function send8MB(publisher: Publisher, legit: Recorder): Promise<void> {
  const payload = new Uint8Array(MB);
  for (let i = 0; i < 8; i++) await publisher.send([seqChunk(i), payload]);
  await legit.received(8);
}

/** The intruder is closed and has received nothing, while the producer sent 8 MB meanwhile. */
async function expectRefused(intruder: Intruder, publisher: Publisher, legit: Recorder): Promise<void> {
  await intruder.firstByteOrClose;
  await send8MB(publisher, legit);
  expect(intruder.bytes).toBe(0);
  expect(intruder.closed).toBe(true);
  expect(publisher.subscriberCount).toBe(1);
}

describe("unix transport: data sockets authenticate their subscribers", () => {
  it("gives no data to a HELLO without the channel's secret", async () => {
    const { connection, publisher, legit } = await channelWithSubscriber();
    const intruder = await connectIntruder(connection.path);
    intruder.sendFrame(HELLO, helloBody({ subscriberId: "b", flowControl: false }));
    await expectRefused(intruder, publisher, legit);
  });

  it("gives no data to a HELLO with a wrong secret", async () => {
    const { connection, publisher, legit } = await channelWithSubscriber();
    const intruder = await connectIntruder(connection.path);
    intruder.sendFrame(HELLO, helloBody({ subscriberId: "b", flowControl: true, queueSize: 10, secret: `${connection.secret.slice(1)}x` }));
    await expectRefused(intruder, publisher, legit);
  });

  it("refuses a subscriber id the plan does not list, even with the secret", async () => {
    const { connection, publisher, legit } = await channelWithSubscriber();
    const intruder = await connectIntruder(connection.path);
    intruder.sendFrame(HELLO, helloBody({ subscriberId: "mallory", flowControl: false, queueSize: 10, secret: connection.secret }));
    await expectRefused(intruder, publisher, legit);
  });

  it("fails a subscription the publisher refuses with TransportConnectError instead of retrying", async () => {
    const { channel } = await channelWithSubscriber();
    const stranger = unix().create({ dataflowId: "x", nodeId: "mallory" });
    transports.push(stranger);
    await expect(record(stranger, channel, "mallory")).rejects.toMatchObject({ name: "TransportConnectError", reason: "refused", channel: "a/out" });
    const forged = { ...channel, connection: { ...unixConnection(channel), secret: "forged" } };
    await expect(record(stranger, forged, "b")).rejects.toMatchObject({ name: "TransportConnectError", reason: "refused" });
  });

  it("closes a connection that does not say HELLO within the bound", async () => {
    const { connection, publisher, legit } = await channelWithSubscriber(unix({ helloTimeoutMs: 50 }));
    const silent = await connectIntruder(connection.path);
    await until(() => silent.closed, "the silent connection to be closed", 10_000);
    await send8MB(publisher, legit);
    expect(silent.bytes).toBe(0);
  });

  it("closes a connection that sends garbage, and only that one", async () => {
    const { connection, publisher, legit } = await channelWithSubscriber();
    const http = await connectIntruder(connection.path);
    http.socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await expectRefused(http, publisher, legit);
    // Well framed, but not a HELLO: not our protocol either.
    const framed = await connectIntruder(connection.path);
    framed.sendFrame(7, Uint8Array.of(1, 2, 3));
    await expectRefused(framed, publisher, legit);
    expect(legit.closed).toBeUndefined();
  });

  it("closes a subscriber that speaks after its HELLO", async () => {
    const { connection, publisher, legit } = await channelWithSubscriber();
    const chatty = await connectIntruder(connection.path);
    chatty.sendFrame(HELLO, helloBody({ subscriberId: "b", flowControl: false, queueSize: 10, secret: connection.secret }));
    await until(() => publisher.subscriberCount === 2, "the second subscriber to be accepted");
    chatty.sendFrame(1, Uint8Array.of(1, 2, 3));
    await until(() => chatty.closed, "the chatty subscriber to be closed");
    expect(publisher.subscriberCount).toBe(1);
    await send8MB(publisher, legit);
  });

  it("closes a subscriber that sends CREDIT although its HELLO granted no credits", async () => {
    const { connection, publisher, legit } = await channelWithSubscriber();
    const chatty = await connectIntruder(connection.path);
    chatty.sendFrame(HELLO, helloBody({ subscriberId: "b", flowControl: true, queueSize: 10, secret: connection.secret }));
    await until(() => publisher.subscriberCount === 2, "the second subscriber to be accepted");
    chatty.sendFrame(CREDIT, Uint8Array.of(1, 0, 0, 0));
    await until(() => chatty.closed, "the subscriber to be closed");
    expect(publisher.subscriberCount).toBe(1);
    await send8MB(publisher, legit);
  });

  it("refuses a HELLO that grants credits without flow control, or an invalid number of them", async () => {
    const { connection, publisher, legit } = await channelWithSubscriber();
    for (const fields of [{ flowControl: false, credits: 10 }, { flowControl: true, credits: 0 }, { flowControl: true, credits: 1.5 }]) {
      const intruder = await connectIntruder(connection.path);
      intruder.sendFrame(HELLO, helloBody({ subscriberId: "b", queueSize: 10, secret: connection.secret, ...fields }));
      await expectRefused(intruder, publisher, legit);
    }
  });

  it("makes the socket file 0600", async () => {
    const { connection } = await channelWithSubscriber();
    expect((await stat(connection.path)).mode & 0o777).toBe(0o600);
  });
});
