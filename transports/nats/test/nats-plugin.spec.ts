import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelStatus, PlannedChannel, TransportPlugin } from "@rivulet/core";
import { type Broker, freePort, startNats } from "@rivulet/test-brokers";
import { nats } from "../src/index.js";

const TOKEN = "plugin-token";
let broker: Broker;
let authed: Broker;
beforeAll(async () => {
  [broker, authed] = await Promise.all([startNats({ jetstream: false }), startNats({ jetstream: false, auth: { token: TOKEN } })]);
}, 30_000);
afterAll(() => Promise.all([broker?.close(), authed?.close()]));

const plan = (plugin: TransportPlugin, options: Record<string, never> | Record<string, unknown>, channel = "cam/image"): Promise<PlannedChannel[]> =>
  Promise.resolve(
    plugin.plan({
      dataflowId: "df",
      runDir: "/nonexistent",
      options: options as Record<string, never>,
      channels: [{ channel, producer: channel.split("/")[0]!, output: channel.split("/")[1]!, subscribers: ["b"] }],
    }),
  );

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const seqFrame = (seq: number, size = 8): Uint8Array => {
  const frame = new Uint8Array(size);
  new DataView(frame.buffer).setUint32(0, seq);
  if (size > 8) frame[size - 1] = seq & 0xff;
  return frame;
};
const seqOf = (frame: Uint8Array): number => new DataView(frame.buffer, frame.byteOffset).getUint32(0);

describe("nats options", () => {
  it("refuses unknown keys with a suggestion, bad servers, half credentials and bad timings, in validate() and plan()", async () => {
    const plugin = nats();
    const options = { server: "nats://127.0.0.1:4222", servers: ["127.0.0.1:4222"], user: "u", heartbeat_ms: 0, tls: { ca_fil: "ca.pem" } };
    const issues = plugin.validate!(options);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ["server"], suggestion: "servers" }),
        expect.objectContaining({ path: ["servers", 0], suggestion: "nats://127.0.0.1:4222" }),
        expect.objectContaining({ path: ["user"] }),
        expect.objectContaining({ path: ["heartbeat_ms"] }),
        expect.objectContaining({ path: ["tls", "ca_fil"], suggestion: "ca_file" }),
      ]),
    );
    expect(issues).toHaveLength(5);
    await expect(plan(plugin, options)).rejects.toMatchObject({ name: "InvalidTransportOptionsError", kind: "nats", issues });
    expect(plugin.validate!({ servers: broker.url, prefix: "lab.cams", reconnect_wait_ms: 100, max_reconnect_attempts: -1 })).toEqual([]);
  });

  it("escapes channel names into one subject token each, under the default prefix rivulet.<dataflow id>", async () => {
    const [planned] = await plan(nats(), { servers: broker.url }, "my.cam/image-1");
    expect(planned!.connection).toMatchObject({ subjects: { data: "rivulet.df.my-2Ecam.image-2D1.d", hello: "rivulet.df.my-2Ecam.image-2D1.h" } });
  });
});

describe("nats planning", () => {
  it("fails with NatsUnreachableError naming the URL and the channel, within a bounded time, when no server listens", async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    await expect(plan(nats({ planTimeoutMs: 2_000 }), { servers: url })).rejects.toMatchObject({ name: "NatsUnreachableError", servers: [url], channels: ["cam/image"] });
    // A bound on a hang (the plan's own limit plus slack for a loaded machine), not a measurement.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("refuses a wrong token with NatsAuthorizationError, and accepts the right one", async () => {
    await expect(plan(nats(), { servers: authed.url, token: "wrong" })).rejects.toMatchObject({ name: "NatsAuthorizationError", servers: [authed.url] });
    await expect(plan(nats(), { servers: authed.url })).rejects.toMatchObject({ name: "NatsAuthorizationError" });
    const planned = await plan(nats(), { servers: authed.url, token: TOKEN });
    expect(planned).toHaveLength(1);
    // A plan travels in the nodes' environment: credentials come to create() instead.
    expect(JSON.stringify(planned)).not.toContain(TOKEN);
  });
});

describe("nats frames", () => {
  it("round-trips a 40 MB frame through a 1 MB max_payload server (chunked and reassembled)", async () => {
    const plugin = nats();
    const options = { servers: broker.url, prefix: "big" };
    const [channel] = await plan(plugin, options);
    const producer = plugin.create({ dataflowId: "df", nodeId: "a", options });
    const consumer = plugin.create({ dataflowId: "df", nodeId: "b", options });
    try {
      const publisher = await producer.publish(channel!);
      const frames: Uint8Array[] = [];
      await consumer.subscribe(channel!, { subscriberId: "b", flowControl: false, onFrame: (frame) => frames.push(frame) });
      const big = new Uint8Array(40 * 1024 * 1024);
      for (let i = 0; i < big.length; i += 4093) big[i] = i & 0xff;
      await publisher.send([big.subarray(0, 7), big.subarray(7)]);
      await until(() => frames.length === 1, "the 40 MB frame");
      expect(Buffer.from(frames[0]!).equals(Buffer.from(big))).toBe(true);
    } finally {
      await Promise.all([producer.close(), consumer.close()]);
    }
  });

  it("survives a broker restart mid-stream: the subscriber reconnects, later frames arrive in order, and the ones lost meanwhile are counted in drops", async () => {
    const own = await startNats({ jetstream: false });
    const plugin = nats();
    const options = { servers: own.url, reconnect_wait_ms: 20, heartbeat_ms: 500 };
    const [channel] = await plan(plugin, options);
    const producer = plugin.create({ dataflowId: "df", nodeId: "a", options });
    const consumer = plugin.create({ dataflowId: "df", nodeId: "b", options });
    try {
      const publisher = await producer.publish(channel!);
      const seqs: number[] = [];
      const statuses: ChannelStatus[] = [];
      const subscription = await consumer.subscribe(channel!, { subscriberId: "b", flowControl: false, onFrame: (f) => seqs.push(seqOf(f)), onStatus: (s) => statuses.push(s) });
      let sent = 0;
      let sending = true;
      const loop = (async () => {
        while (sending) {
          await publisher.send([seqFrame(sent++, 256)]);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
      await until(() => seqs.length >= 50, "frames before the restart");
      await own.restart();
      const sentAfterRestart = sent;
      await until(() => seqs.length > 0 && seqs.at(-1)! > sentAfterRestart + 50, "frames after the restart");
      sending = false;
      await loop;
      let ended: Error | undefined | "pending" = "pending";
      void subscription.closed.then((e) => (ended = e));
      await publisher.close();
      await until(() => ended !== "pending", "the end of the channel");
      expect(ended).toBeUndefined();
      expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
      expect(seqs.at(-1)).toBe(sent - 1);
      // Every frame sent is either received or counted: none silently lost.
      expect(subscription.drops).toBeGreaterThan(0);
      expect(seqs.length + subscription.drops!).toBe(sent);
      expect(statuses).toContain("reconnecting");
      expect(statuses.at(-1)).toBe("ended");
    } finally {
      await Promise.all([producer.close(), consumer.close()]);
      await own.close();
    }
  });
});
