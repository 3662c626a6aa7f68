import type { TransportPlugin } from "@rivulet/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeFrame } from "@rivulet/core/internal";
import { Node } from "../src/index.js";
import { spyTransport } from "./spy-transport.js";
import { TestDaemon } from "./test-daemon.js";

let daemon: TestDaemon;
beforeEach(async () => {
  daemon = await TestDaemon.start();
});
afterEach(async () => {
  await daemon.close();
});

async function source(plugin: TransportPlugin, channelIds = [1]): Promise<Node> {
  const channels = channelIds.map((channelId) => ({ channel: "a/out", kind: "spy", connection: null, channelId }));
  const node = new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels }] }), transports: { spy: plugin } });
  await daemon.barrier("a");
  await node.ready();
  return node;
}

describe("node.sendOutputRaw", () => {
  it("on a transport that lends, the program writes the payload in the lent memory, after the frame head, and it is sent without a copy", async () => {
    const { plugin, arena, log } = spyTransport([1]);
    const node = await source(plugin);
    const sample = await node.sendOutputRaw("out", 1000, { camera: "front" }, { fin: true });
    expect(sample.data.buffer).toBe(arena.buffer);
    sample.data.fill(7);
    await sample.send();
    expect(log.committed).toHaveLength(1);
    const frame = decodeFrame(log.committed[0]!);
    expect(frame).toMatchObject({ channelId: 1, parameters: { camera: "front" }, fin: true, seq: 1 });
    expect(frame.payload.byteLength).toBe(1000);
    expect(frame.payload.every((b) => b === 7)).toBe(true);
    expect(frame.payload.byteOffset).toBe(sample.data.byteOffset); // the same bytes: written in place
    expect(log.sent).toHaveLength(0);
    expect(node.stats().outputs.out!.sent).toBe(1);
    await node.close();
  });

  it("an output also on a channel that cannot lend sends that channel a view of the same bytes, with its own head", async () => {
    const { plugin, arena, log } = spyTransport([1]);
    const node = await source(plugin, [1, 2]);
    const sample = await node.sendOutputRaw("out", 64);
    sample.data.fill(3);
    await sample.send();
    const [[head, body]] = log.sentOn.get(2)!;
    expect(decodeFrame(head!).channelId).toBe(2);
    expect(body!.buffer).toBe(arena.buffer);
    expect(decodeFrame(log.committed[0]!).channelId).toBe(1);
    await node.close();
  });

  it("without a lending transport, data is the node's own buffer, sent as a Uint8Array is; a second send is a RawSampleSentError", async () => {
    const { plugin, log } = spyTransport();
    const node = await source(plugin);
    const sample = await node.sendOutputRaw("out", 16);
    sample.data.set([1, 2, 3]);
    await sample.send();
    const [[head, body]] = log.sentOn.get(1)!;
    expect(body).toBe(sample.data);
    expect(decodeFrame(head!).encoding).toBe(0); // RAW
    await expect(sample.send()).rejects.toMatchObject({ name: "RawSampleSentError", nodeId: "a", outputId: "out" });
    await expect(node.sendOutputRaw("out", -1)).rejects.toBeInstanceOf(RangeError);
    await expect(node.sendOutputRaw("nope", 1)).rejects.toMatchObject({ name: "UndeclaredOutputError" });
    await node.close();
  });

  it("gives a sample never sent back to its transport when the node closes, and discards one sent after STOP", async () => {
    const { plugin, log } = spyTransport([1]);
    const node = await source(plugin);
    await node.sendOutputRaw("out", 8); // never sent
    const late = await node.sendOutputRaw("out", 8);
    daemon.send("a", { t: "stop" });
    await expect.poll(() => node.signal.aborted).toBe(true);
    await late.send();
    expect(log.abandoned).toBe(1);
    expect(node.stats().outputs.out).toMatchObject({ sent: 0, discarded: 1 });
    await node.close();
    expect(log.abandoned).toBe(2);
    expect(log.committed).toHaveLength(0);
  });
});

describe("node.sendOutputRaw over the Unix transport", () => {
  it("delivers the bytes written in place, with their parameters, as a raw payload", async () => {
    const channel = daemon.channel("a/out");
    const producer = new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [channel] }] }) });
    const consumer = new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel, producer: "a" }] }) });
    await daemon.barrier("a", "b");
    await Promise.all([producer.ready(), consumer.ready()]);
    const sample = await producer.sendOutputRaw("out", 256 * 1024, { frame: 1 });
    for (let i = 0; i < sample.data.length; i++) sample.data[i] = i % 251;
    await sample.send();
    const event = await consumer.recv({ timeout: 10_000 });
    expect(event).toMatchObject({ type: "INPUT", id: "in", metadata: { parameters: { frame: 1 } } });
    const data = (event as { data: Uint8Array }).data;
    expect(data.byteLength).toBe(256 * 1024);
    expect(data.every((b, i) => b === i % 251)).toBe(true);
    await producer.close();
    await consumer.close();
  });
});
