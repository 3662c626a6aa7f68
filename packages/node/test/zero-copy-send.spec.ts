import type { Publisher, TransportPlugin } from "@rivulet/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeFrame } from "@rivulet/core/internal";
import { Node } from "../src/index.js";
import { TestDaemon } from "./test-daemon.js";

/**
 * README: "Large payloads are not copied on send: as with socket.write, do not modify a buffer
 * after passing it to sendOutput". A transport that records the chunks it is handed shows
 * whether the payload's own memory reaches it.
 */
function spyTransport(): { plugin: TransportPlugin; sent: Uint8Array[][]; sentOn: Map<number, Uint8Array[][]> } {
  const sent: Uint8Array[][] = [];
  const sentOn = new Map<number, Uint8Array[][]>();
  const publisher = (channelId: number): Publisher => ({
    send(chunks) {
      sent.push([...chunks]);
      sentOn.set(channelId, [...(sentOn.get(channelId) ?? []), [...chunks]]);
      return undefined;
    },
    drops: 0,
    bufferedBytes: 0,
    subscriberCount: 1,
    close: async () => {},
  });
  const plugin: TransportPlugin = {
    kind: "spy",
    plan: (request) => request.channels.map((c) => ({ channel: c.channel, kind: "spy", connection: null })),
    create: () => ({
      publish: async (channel) => publisher(channel.channelId ?? 0),
      subscribe: async () => {
        throw new Error("the spy transport only publishes");
      },
      close: async () => {},
    }),
  };
  return { plugin, sent, sentOn };
}

let daemon: TestDaemon;
beforeEach(async () => {
  daemon = await TestDaemon.start();
});
afterEach(async () => {
  await daemon.close();
});

async function source(plugin: TransportPlugin): Promise<Node> {
  const node = new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [{ channel: "a/out", kind: "spy", connection: null }] }] }), transports: { spy: plugin } });
  await daemon.barrier("a");
  await node.ready();
  return node;
}

describe("sendOutput hands large payloads to the transport without copying them", () => {
  it("a Uint8Array: the transport gets a view of the caller's own memory, in one chunk after the frame head", async () => {
    const { plugin, sent } = spyTransport();
    const node = await source(plugin);
    const payload = new Uint8Array(4 * 1024 * 1024).fill(7);
    await node.sendOutput("out", payload);
    await node.close();
    const chunks = sent[0]!;
    const body = chunks.find((chunk) => chunk.byteLength === payload.byteLength);
    expect(body?.buffer).toBe(payload.buffer);
    expect(body?.byteOffset).toBe(payload.byteOffset);
  });

  it("a Float64Array of a million values: its buffer travels as is inside the compact layout", async () => {
    const { plugin, sent } = spyTransport();
    const node = await source(plugin);
    const values = new Float64Array(1_000_000).map((_, i) => i);
    await node.sendOutput("out", values);
    await node.close();
    expect(sent[0]!.some((chunk) => chunk.buffer === values.buffer && chunk.byteLength === values.byteLength)).toBe(true);
  });

  it("an output on two channels: each gets its own head, stamped with its planned channel id, and the same payload memory", async () => {
    const { plugin, sentOn } = spyTransport();
    const channels = [3, 9].map((channelId) => ({ channel: "a/out", kind: "spy", connection: null, channelId }));
    const node = new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels }] }), transports: { spy: plugin } });
    await daemon.barrier("a");
    await node.ready();
    const payload = new Uint8Array(64 * 1024).fill(1);
    await node.sendOutput("out", payload, { n: 1 });
    await node.close();
    const [[three], [nine]] = [sentOn.get(3)!, sentOn.get(9)!];
    expect(three![0]).not.toBe(nine![0]);
    expect(decodeFrame(three![0]!).channelId).toBe(3);
    expect(decodeFrame(nine![0]!).channelId).toBe(9);
    expect(decodeFrame(nine![0]!).parameters).toEqual({ n: 1 });
    expect(three!.at(-1)!.buffer).toBe(payload.buffer);
    expect(nine!.at(-1)!.buffer).toBe(payload.buffer);
  });
});
