import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zmq from "zeromq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PlannedChannel, SubscribeOptions, Transport } from "@rivulet/core";
import { ZmqKind, type ZeromqConnection, zeromq } from "../src/index.js";

// Messages that are not the protocol, from either side, are refused by name and naming the
// channel; a stranger on the endpoint harms nobody (scaled down from unix's fuzz and intruder tests).

let runDir: string;
const open: { close(): unknown }[] = [];
beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), "rvl-zmq-"));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
  await rm(runDir, { recursive: true, force: true });
});

async function planned(): Promise<{ channel: PlannedChannel; connection: ZeromqConnection }> {
  const [channel] = await zeromq().plan({ dataflowId: "df", runDir, options: {}, channels: [{ channel: "a/out", producer: "a", output: "out", subscribers: ["b", "c"] }] });
  return { channel: channel!, connection: channel!.connection as unknown as ZeromqConnection };
}

function transport(): Transport {
  const made = zeromq({ probeIntervalMs: 50 }).create({ dataflowId: "df", nodeId: "n" });
  open.push(made);
  return made;
}

const subscribing = (channel: PlannedChannel, frames: Uint8Array[] = [], extra: Partial<SubscribeOptions> = {}) =>
  transport().subscribe(channel, { subscriberId: "b", flowControl: false, onFrame: (frame) => frames.push(frame), ...extra });

/** A ROUTER that plays the publisher on the channel's endpoint: answers the first HELLO with `answer`. */
async function fakePublisher(connection: ZeromqConnection, answer: Buffer[]): Promise<{ router: zmq.Router; peer: Promise<Buffer> }> {
  const router = new zmq.Router({ linger: 0 });
  open.push(router);
  await router.bind(connection.bind);
  const peer = router.receive().then(async ([id]) => {
    await router.send([id!, ...answer]);
    return id!;
  });
  return { router, peer };
}

/** A DEALER that talks to the channel's publisher directly. */
function rawDealer(connection: ZeromqConnection): zmq.Dealer {
  const dealer = new zmq.Dealer({ linger: 0, receiveTimeout: 5_000 });
  open.push(dealer);
  dealer.connect(connection.endpoint);
  return dealer;
}

/** The next message that is not the publisher's PROBE, as arrays of bytes. */
async function answer(dealer: zmq.Dealer): Promise<number[][]> {
  for (;;) {
    const parts = await dealer.receive();
    if (!(parts.length === 1 && parts[0]![0] === ZmqKind.PROBE)) return parts.map((p) => [...p]);
  }
}

const hello = (connection: ZeromqConnection, subscriberId = "c"): Buffer => Buffer.from(JSON.stringify({ subscriberId, secret: connection.secret, flowControl: false, queueSize: 10 }));

describe("zeromq: what a subscriber refuses", () => {
  for (const [label, message] of [
    ["an unknown kind", [Buffer.of(99)]],
    ["a kind of two bytes", [Buffer.of(ZmqKind.DATA, 0)]],
    ["DATA without a body", [Buffer.of(ZmqKind.DATA)]],
    ["END with a body", [Buffer.of(ZmqKind.END), Buffer.of(1)]],
    ["a kind only subscribers send", [Buffer.of(ZmqKind.HELLO)]],
  ] as const) {
    it(`loses the channel as corrupt, naming it, on ${label} after WELCOME; the frames before it arrive`, async () => {
      const { channel, connection } = await planned();
      const { router, peer } = await fakePublisher(connection, [Buffer.of(ZmqKind.WELCOME)]);
      const frames: Uint8Array[] = [];
      const statuses: string[] = [];
      const subscription = await subscribing(channel, frames, { onStatus: (status) => statuses.push(status) });
      const id = await peer;
      await router.send([id, Buffer.of(ZmqKind.DATA), Buffer.of(7)]);
      await router.send([id, ...message]);
      const error = await subscription.closed;
      expect(error).toMatchObject({ name: "ChannelLostError", reason: "corrupt", channel: "a/out" });
      expect(error!.message).toContain("a/out");
      expect((error as Error & { cause?: Error }).cause).toMatchObject({ name: "FrameDecodeError" });
      expect(frames.map((f) => [...f])).toEqual([[7]]);
      expect(statuses).toEqual(["connected", "lost"]);
    });
  }

  it("takes each part of a DATA message as a frame, in order, holding those after a pause until resume", async () => {
    const { channel, connection } = await planned();
    const { router, peer } = await fakePublisher(connection, [Buffer.of(ZmqKind.WELCOME)]);
    const frames: Uint8Array[] = [];
    let subscription: Awaited<ReturnType<typeof subscribing>> | undefined;
    subscription = await subscribing(channel, frames, {
      onFrame: (frame) => {
        frames.push(frame);
        if (frames.length === 2) subscription!.pause();
      },
    });
    const id = await peer;
    await router.send([id, Buffer.of(ZmqKind.DATA), Buffer.of(1), Buffer.of(2), Buffer.of(3), Buffer.of(4)]);
    await router.send([id, Buffer.of(ZmqKind.DATA), Buffer.of(5)]);
    await router.send([id, Buffer.of(ZmqKind.END)]);
    await expect.poll(() => frames.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(frames.map((f) => [...f])).toEqual([[1], [2]]);
    subscription.resume();
    expect(await subscription.closed).toBeUndefined();
    expect(frames.map((f) => [...f])).toEqual([[1], [2], [3], [4], [5]]);
  });

  it("refuses a subscription answered with something that is not the protocol, naming the channel", async () => {
    const { channel, connection } = await planned();
    await fakePublisher(connection, [Buffer.from("HTTP/1.1 400 Bad Request")]);
    await expect(subscribing(channel)).rejects.toMatchObject({ name: "TransportConnectError", reason: "corrupt", channel: "a/out" });
  });

  it("is refused by a real publisher with a wrong secret, or as a subscriber the plan does not list", async () => {
    const { channel, connection } = await planned();
    open.push(await transport().publish(channel));
    const wrongSecret = { ...channel, connection: { ...connection, secret: "guess" } };
    await expect(subscribing(wrongSecret)).rejects.toMatchObject({ name: "TransportConnectError", reason: "refused", channel: "a/out" });
    await expect(subscribing(channel, [], { subscriberId: "mallory" })).rejects.toMatchObject({ name: "TransportConnectError", reason: "refused" });
  });
});

describe("zeromq: what a publisher refuses", () => {
  it("ignores strangers' garbage, refuses bad HELLOs, and keeps serving its subscriber", async () => {
    const { channel, connection } = await planned();
    const publisher = await transport().publish(channel);
    const frames: Uint8Array[] = [];
    await subscribing(channel, frames);
    const stranger = rawDealer(connection);
    await stranger.send([Buffer.of(ZmqKind.HELLO), Buffer.from("{not json")]);
    expect(await answer(stranger)).toEqual([[ZmqKind.REFUSED]]);
    await stranger.send([Buffer.of(ZmqKind.HELLO), Buffer.from(JSON.stringify({ subscriberId: "c", secret: "guess", flowControl: false, queueSize: 10 }))]);
    expect(await answer(stranger)).toEqual([[ZmqKind.REFUSED]]);
    for (const garbage of [[Buffer.of(0)], [Buffer.from("GET / HTTP/1.1\r\n\r\n")], [Buffer.of(ZmqKind.DATA), Buffer.alloc(10)], [Buffer.of(ZmqKind.BYE)]]) await stranger.send(garbage);
    // Larger than any HELLO: ZeroMQ drops the stranger's connection.
    await stranger.send([Buffer.of(ZmqKind.HELLO), Buffer.alloc(1024 * 1024)]);
    for (let i = 0; i < 20; i++) await publisher.send([Uint8Array.of(i)]);
    await expect.poll(() => frames.length).toBe(20);
    expect(frames.map((f) => f[0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(publisher.subscriberCount).toBe(1);
  });

  it("tells an accepted subscriber that breaks the protocol it is GONE, and forgets it", async () => {
    const { channel, connection } = await planned();
    const publisher = await transport().publish(channel);
    const dealer = rawDealer(connection);
    await dealer.send([Buffer.of(ZmqKind.HELLO), hello(connection)]);
    expect(await answer(dealer)).toEqual([[ZmqKind.WELCOME]]);
    expect(publisher.subscriberCount).toBe(1);
    await dealer.send([Buffer.of(ZmqKind.RECEIVED), Buffer.of(1, 0, 0, 0)]); // acknowledges a frame it never got
    expect(await answer(dealer)).toEqual([[ZmqKind.GONE]]);
    expect(publisher.subscriberCount).toBe(0);
  });
});
