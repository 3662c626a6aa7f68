import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { PlannedChannel, Subscription, Transport } from "@rivulet/core";
import { type Broker, startNats } from "@rivulet/test-brokers";
import { nats } from "../src/index.js";

// At-least-once across a consumer restart (issue "Network transports", item 4), against a real
// nats-server with JetStream: the durable consumer of a subscriber id outlives its process.

const module = new URL("../dist/index.js", import.meta.url).href;
let broker: Broker;
let withoutJetStream: Broker;
beforeAll(async () => {
  [broker, withoutJetStream] = await Promise.all([startNats({ jetstream: true }), startNats({ jetstream: false })]);
}, 30_000);
afterAll(() => Promise.all([broker?.close(), withoutJetStream?.close()]));

let run = 0;
const optionsFor = (url: string): Record<string, never> => ({ servers: url, prefix: `js.t${run++}`, jetstream: true }) as unknown as Record<string, never>;

async function planFor(options: Record<string, never>, subscribers = ["b"]): Promise<PlannedChannel> {
  const [channel] = await nats().plan({ dataflowId: "df", runDir: "/nonexistent", options, channels: [{ channel: "a/out", producer: "a", output: "out", subscribers }] });
  return channel!;
}

const seqFrame = (seq: number): Uint8Array => {
  const frame = new Uint8Array(64);
  new DataView(frame.buffer).setUint32(0, seq);
  return frame;
};
const seqOf = (frame: Uint8Array): number => new DataView(frame.buffer, frame.byteOffset).getUint32(0);
async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** Subscribes `id` and collects the sequence numbers it gets; `ended` resolves with `closed`. */
async function collect(transport: Transport, channel: PlannedChannel, id: string): Promise<{ seqs: number[]; subscription: Subscription }> {
  const seqs: number[] = [];
  const subscription = await transport.subscribe(channel, { subscriberId: id, flowControl: false, onFrame: (frame) => seqs.push(seqOf(frame)) });
  return { seqs, subscription };
}

async function streamNames(url: string): Promise<string[]> {
  const nc = await connect({ servers: url });
  try {
    const names: string[] = [];
    for await (const name of (await jetstreamManager(nc)).streams.names()) names.push(name);
    return names;
  } finally {
    await nc.close();
  }
}

/**
 * Subscriber A in a process of its own: prints "ready" once subscribed, then each sequence number
 * it gets; after `stopAt` frames it stops handing frames over (the SDK pauses a full input) and
 * prints "stalled", so the test kills it mid-stream.
 */
function subscriberProcess(channel: PlannedChannel, options: Record<string, never>, stopAt: number): { child: ChildProcess; seqs: number[]; ready: Promise<void>; stalled: Promise<void> } {
  const script = `
    const { nats } = await import(${JSON.stringify(module)});
    const transport = nats().create({ dataflowId: "df", nodeId: "b", options: ${JSON.stringify(options)} });
    let n = 0;
    const subscription = await transport.subscribe(${JSON.stringify(channel)}, { subscriberId: "b", flowControl: false, onFrame: (frame) => {
      process.stdout.write(new DataView(frame.buffer, frame.byteOffset).getUint32(0) + "\\n");
      if (++n === ${stopAt}) { subscription.pause(); setTimeout(() => process.stdout.write("stalled\\n"), 200); }
    } });
    process.stdout.write("ready\\n");
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const seqs: number[] = [];
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<never>((_, reject) => child.on("exit", (code) => reject(new Error(`subscriber A exited with ${code}`))));
  exited.catch(() => {}); // Raced below; its kill at the end of the test is expected.
  const line = (wanted: string): Promise<void> => Promise.race([new Promise<void>((resolve) => lines.on("line", (l) => l === wanted && resolve())), exited]);
  lines.on("line", (l) => /^\d+$/.test(l) && seqs.push(Number(l)));
  const ready = line("ready");
  const stalled = line("stalled");
  return { child, seqs, ready, stalled };
}

describe("nats transport, JetStream mode", () => {
  it("survives a consumer restart: a subscriber killed with SIGKILL mid-stream is followed by one with its id that gets every frame after what it acknowledged, in order, then the end", async () => {
    const options = optionsFor(broker.url);
    const channel = await planFor(options);
    const producer = nats().create({ dataflowId: "df", nodeId: "a", options });
    const consumer = nats().create({ dataflowId: "df", nodeId: "b", options });
    const publisher = await producer.publish(channel);
    const a = subscriberProcess(channel, options, 700);
    try {
      await a.ready;
      const total = 2_000;
      for (let seq = 0; seq < total; seq++) await publisher.send([seqFrame(seq)]);
      await a.stalled;
      a.child.kill("SIGKILL");
      // Paused: what it pulled after frame 700 is held (or dropped), never handed over, so never acknowledged.
      expect(a.seqs).toEqual(range(0, 700));
      const b = await collect(consumer, channel, "b");
      await publisher.close();
      expect(await b.subscription.closed).toBeUndefined();
      // B starts at or before A's last frame + 1 (A's unacknowledged frames come again) and misses nothing.
      const first = b.seqs[0]!;
      expect(first).toBeLessThanOrEqual(700);
      expect(b.seqs).toEqual(range(first, total));
      const duplicates = 700 - first;
      expect(duplicates).toBeGreaterThanOrEqual(0);
      expect(b.subscription.drops).toBe(0);
      // The end was seen by every planned subscriber: consumer and stream are gone.
      await consumer.close();
      expect(await streamNames(broker.url)).not.toContain((channel.connection as { jetstream: { stream: string } }).jetstream.stream);
    } finally {
      a.child.kill("SIGKILL");
      await Promise.all([producer.close(), consumer.close()]);
    }
  });

  it("a subscriber closed cleanly (its node stopped) and subscribed again gets what was sent meanwhile, even after its publisher ended", async () => {
    const options = optionsFor(broker.url);
    const channel = await planFor(options);
    const producer = nats().create({ dataflowId: "df", nodeId: "a", options });
    const consumer = nats().create({ dataflowId: "df", nodeId: "b", options });
    try {
      const publisher = await producer.publish(channel);
      const first = await collect(consumer, channel, "b");
      for (let seq = 0; seq < 100; seq++) await publisher.send([seqFrame(seq)]);
      await until(() => first.seqs.length === 100);
      await first.subscription.close();
      for (let seq = 100; seq < 300; seq++) await publisher.send([seqFrame(seq)]);
      await publisher.close();
      // No publisher answers the hello any more: the frames in the stream tell that there was one.
      const again = await collect(consumer, channel, "b");
      expect(await again.subscription.closed).toBeUndefined();
      expect(first.seqs).toEqual(range(0, 100));
      expect(again.seqs).toEqual(range(100, 300));
    } finally {
      await Promise.all([producer.close(), consumer.close()]);
    }
  });

  it("a server without JetStream: plan() and a node opening the channel fail with JetStreamNotEnabledError naming the server and channel", async () => {
    const options = optionsFor(withoutJetStream.url);
    await expect(planFor(options)).rejects.toMatchObject({ name: "JetStreamNotEnabledError", servers: [withoutJetStream.url], channels: ["a/out"] });
    // A node whose server lost JetStream after the plan: the same error, at publish and at subscribe.
    const channel = await planFor(optionsFor(broker.url));
    const transport = nats().create({ dataflowId: "df", nodeId: "a", options });
    try {
      await expect(transport.publish(channel)).rejects.toMatchObject({ name: "JetStreamNotEnabledError", channel: "a/out" });
      await expect(transport.subscribe(channel, { subscriberId: "b", flowControl: false, onFrame: () => {} })).rejects.toMatchObject({ name: "JetStreamNotEnabledError", channel: "a/out" });
    } finally {
      await transport.close();
    }
  });

  it("validates the jetstream option: a boolean or a map of positive max_age_s and max_bytes, with a did-you-mean", () => {
    const plugin = nats();
    expect(plugin.validate!({ jetstream: true })).toEqual([]);
    expect(plugin.validate!({ jetstream: { max_age_s: 3600, max_bytes: 1_000_000 } })).toEqual([]);
    expect(plugin.validate!({ jetstream: "yes" })).toEqual([expect.objectContaining({ path: ["jetstream"] })]);
    expect(plugin.validate!({ jetstream: { max_age: 60, max_bytes: -1 } })).toEqual([
      expect.objectContaining({ path: ["jetstream", "max_age"], suggestion: "max_age_s" }),
      expect.objectContaining({ path: ["jetstream", "max_bytes"] }),
    ]);
    expect(plugin.validate!({ jetstrem: true })).toEqual([expect.objectContaining({ path: ["jetstrem"], suggestion: "jetstream" })]);
  });
});
