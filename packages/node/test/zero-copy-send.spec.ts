import type { TransportPlugin } from "@rivulet/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeFrame } from "@rivulet/core/internal";
import { Node } from "../src/index.js";
import { spyTransport } from "./spy-transport.js";
import { TestDaemon } from "./test-daemon.js";

// README: "Large payloads are not copied on send: as with socket.write, do not modify a buffer
// after passing it to sendOutput". A transport that records the chunks it is handed shows
// whether the payload's own memory reaches it.

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
    const { plugin, log: { sent } } = spyTransport();
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
    const { plugin, log: { sent } } = spyTransport();
    const node = await source(plugin);
    const values = new Float64Array(1_000_000).map((_, i) => i);
    await node.sendOutput("out", values);
    await node.close();
    expect(sent[0]!.some((chunk) => chunk.buffer === values.buffer && chunk.byteLength === values.byteLength)).toBe(true);
  });

  it("an output on two channels: each gets its own head, stamped with its planned channel id, and the same payload memory", async () => {
    const { plugin, log: { sentOn } } = spyTransport();
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
