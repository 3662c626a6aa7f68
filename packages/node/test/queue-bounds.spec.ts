import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Node, type NodeEvent } from "../src/index.js";
import { TestDaemon } from "./test-daemon.js";

/**
 * Queue policies end to end through the SDK and real Unix sockets: a producer node and a
 * consumer node in this process, wired by the test daemon.
 */
let daemon: TestDaemon;
let nodes: Node[] = [];

beforeEach(async () => {
  daemon = await TestDaemon.start();
});
afterEach(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  nodes = [];
  await daemon.close();
});

/** Starts producer `a` (output `out`) and consumer `b` (input `in` with the given queue). */
async function wire(queueSize: number, queuePolicy: "drop_oldest" | "backpressure"): Promise<{ producer: Node; consumer: Node }> {
  const channel = daemon.channel("a/out");
  const producer = new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [channel] }] }) });
  const consumer = new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel, producer: "a", queueSize, queuePolicy }] }) });
  nodes = [producer, consumer];
  await daemon.barrier("a", "b");
  await Promise.all([producer.ready(), consumer.ready()]);
  return { producer, consumer };
}

/** The sequence number an INPUT event's raw bytes start with. */
function seqOf(event: NodeEvent | null): number {
  if (event?.type !== "INPUT") throw new Error(`expected an INPUT event, got ${event?.type ?? "the end"}`);
  return new DataView(event.data.buffer, event.data.byteOffset, 8).getFloat64(0, true);
}

/** A raw message of `bytes` bytes that starts with `seq`. */
function message(seq: number, bytes: number): Uint8Array {
  const data = new Uint8Array(bytes);
  new DataView(data.buffer).setFloat64(0, seq, true);
  return data;
}

describe("queue bounds through the SDK", () => {
  it("backpressure: an input never holds more than queue_size pending messages", async () => {
    const { producer, consumer } = await wire(10, "backpressure");
    const total = 200;
    const sending = (async () => {
      for (let i = 0; i < total; i++) await producer.sendOutput("out", message(i, 64));
    })();
    await daemon.until(() => consumer.stats().inputs.in!.pending >= 10);
    expect(consumer.stats().inputs.in!.pending).toBe(10);
    let peak = 0;
    const seqs: number[] = [];
    for (let i = 0; i < total; i++) {
      peak = Math.max(peak, consumer.stats().inputs.in!.pending);
      seqs.push(seqOf(await consumer.recv({ timeout: 20_000 })));
    }
    await sending;
    expect(peak).toBe(10);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(consumer.stats().inputs.in!.dropped).toBe(0);
  });

  it("drop_oldest: a consumer that does not read 20 x 8 MB ends up with the newest queue_size, every drop counted", async () => {
    const { producer, consumer } = await wire(10, "drop_oldest");
    const total = 20;
    for (let i = 0; i < total; i++) await producer.sendOutput("out", message(i, 8 * 1024 * 1024));
    const accounted = (): number => consumer.stats().inputs.in!.received + producer.stats().outputs.out!.dropped;
    await daemon.until(() => accounted() === total, 60_000);
    // The end of the turn that overran the queue trims it to its newest queue_size.
    await daemon.until(() => consumer.stats().inputs.in!.pending === 10);
    const held = [];
    for (let i = 0; i < 10; i++) held.push(seqOf(await consumer.recv({ timeout: 0 })));
    expect(held).toEqual(Array.from({ length: 10 }, (_, i) => total - 10 + i));
    const stats = consumer.stats().inputs.in!;
    expect(stats.dropped + producer.stats().outputs.out!.dropped).toBe(total - 10);
  });

  it("drop_oldest: a consumer that reads as fast as it can gets every message of a 100,000 x 1 KB burst, in order", async () => {
    const { producer, consumer } = await wire(10, "drop_oldest");
    const total = 100_000;
    let next = 0;
    let outOfOrder = 0;
    const reading = (async () => {
      for await (const event of consumer) {
        if (seqOf(event) !== next++) outOfOrder++;
        if (next === total) break;
      }
    })();
    for (let i = 0; i < total; i++) await producer.sendOutput("out", message(i, 1024));
    await reading;
    expect(outOfOrder).toBe(0);
    expect(consumer.stats().inputs.in!.dropped).toBe(0);
    expect(producer.stats().outputs.out!.dropped).toBe(0);
  });
});
