import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mapConcurrent } from "../../src/io/map-concurrent.js";
import { Node } from "../../src/index.js";
import { TestDaemon } from "../test-daemon.js";

let daemon: TestDaemon;
const nodes: Node[] = [];

beforeEach(async () => {
  daemon = await TestDaemon.start();
});
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((node) => node.close()));
  await daemon.close();
});

/** A producer `a` with output `out`, and a consumer `b` reading it as input `in`. */
async function pair(): Promise<{ producer: Node; consumer: Node }> {
  const channel = daemon.channel("a/out");
  const producer = new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [channel] }] }) });
  const consumer = new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel, producer: "a", queueSize: 10 }] }) });
  nodes.push(producer, consumer);
  await daemon.barrier("a", "b");
  await producer.ready();
  await consumer.ready();
  return { producer, consumer };
}

describe("node.inputs() on a real input", () => {
  it("leaving the loop while a read waits lets the input go at once; later messages are discarded and counted", async () => {
    const { producer, consumer } = await pair();
    const reader = consumer.inputs("in");
    const iterator = reader[Symbol.asyncIterator]();
    const waiting = iterator.next();
    await producer.sendOutput("out", 1);
    expect((await waiting).value?.rows()).toEqual([1]);
    const pending = iterator.next();
    await iterator.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(reader.ended).toEqual({ reason: "released" });
    await producer.sendOutput("out", 2);
    await daemon.until(() => consumer.stats().inputs.in!.received === 2);
    expect(consumer.stats().inputs.in).toMatchObject({ received: 2, discarded: 1, pending: 0 });
  });

  it("mapConcurrent over it: breaking out while its reader waits for the next message releases the input", async () => {
    const { producer, consumer } = await pair();
    const reader = consumer.inputs("in");
    const doubled = mapConcurrent(reader, async (event) => (event.rows()[0] as number) * 2, { concurrency: 2, signal: consumer.signal });
    await producer.sendOutput("out", 21);
    for await (const value of doubled) {
      expect(value).toBe(42);
      break;
    }
    expect(reader.ended).toEqual({ reason: "released" });
  });

  it("ends the loop at STOP", async () => {
    const { consumer } = await pair();
    const reader = consumer.inputs("in");
    const done = (async () => {
      for await (const _ of reader) throw new Error("no message was sent");
    })();
    daemon.send("b", { t: "stop" });
    await done;
    expect(reader.ended).toEqual({ reason: "stopped" });
  });
});
