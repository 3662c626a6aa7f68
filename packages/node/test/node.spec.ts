import { UnixPublisher, unixConnection } from "@rivulet/transport-unix";
import { Struct, vectorFromArray } from "apache-arrow";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Node, type NodeEvent } from "../src/index.js";
import { TestDaemon } from "./test-daemon.js";

let daemon: TestDaemon;
const nodes: Node[] = [];
const track = (node: Node): Node => (nodes.push(node), node);

beforeEach(async () => {
  daemon = await TestDaemon.start();
});
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
  await daemon.close();
});

/** A producer `a` with output `out` and a consumer `b` reading it as input `in`. */
async function pair(input: { queueSize?: number; queuePolicy?: "drop_oldest" | "backpressure" } = {}) {
  const channel = daemon.channel("a/out");
  const producer = track(new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [channel] }] }) }));
  const consumer = track(new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel, producer: "a", ...input }] }) }));
  await daemon.barrier("a", "b");
  await producer.ready();
  await consumer.ready();
  return { producer, consumer };
}

async function take(node: Node, n: number): Promise<NodeEvent[]> {
  const events: NodeEvent[] = [];
  while (events.length < n) {
    const event = await node.recv({ timeout: 10_000 });
    if (!event) throw new Error(`stream ended after ${events.length} events`);
    events.push(event);
  }
  return events;
}

describe("Node", () => {
  it("throws NodeConfigError without RIVULET_NODE_CONFIG", () => {
    expect(() => new Node({ config: undefined })).toThrow(expect.objectContaining({ name: "NodeConfigError" }));
  });

  it("rejects sends on an undeclared output with UndeclaredOutputError, before and after the barrier", async () => {
    const node = track(new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [] }] }) }));
    await expect(node.sendOutput("nope", [1])).rejects.toMatchObject({ name: "UndeclaredOutputError", nodeId: "a", outputId: "nope", declared: ["out"] });
    await daemon.barrier("a");
    await node.ready();
    await expect(node.sendOutput("nope", [1])).rejects.toMatchObject({ name: "UndeclaredOutputError" });
    await node.sendOutput("out", [1]); // declared output with no consumers: accepted, goes nowhere
  });

  it("delivers values, parameters and HLC timestamps in order", async () => {
    const { producer, consumer } = await pair();
    await producer.sendOutput("out", [1, 2, 3], { frame: 7, tag: "x" });
    await producer.sendOutput("out", vectorFromArray([{ x: 1.5, y: "a" }]));
    await producer.sendOutput("out", Uint8Array.of(9, 9));
    const [first, second, third] = await take(consumer, 3);
    expect(first).toMatchObject({ type: "INPUT", id: "in", metadata: { parameters: { frame: 7, tag: "x" } } });
    if (first!.type !== "INPUT" || second!.type !== "INPUT" || third!.type !== "INPUT") throw new Error("expected inputs");
    expect([...first.value]).toEqual([1, 2, 3]);
    expect(second.value.type).toBeInstanceOf(Struct);
    expect(second.value.get(0)!.toJSON()).toEqual({ x: 1.5, y: "a" });
    expect([...third.data]).toEqual([9, 9]);
    expect(second.metadata.timestamp).toBeGreaterThan(first.metadata.timestamp);
    expect(Math.abs(first.metadata.timestamp / 1000 - Date.now())).toBeLessThan(5000);
  });

  it("passes an input's metadata on as the parameters of a send", async () => {
    const { producer, consumer } = await pair();
    await producer.sendOutput("out", [1], { open_telemetry_context: "abc" });
    const [event] = await take(consumer, 1);
    await producer.sendOutput("out", [2], event!.metadata);
    const [again] = await take(consumer, 1);
    expect(again!.metadata.parameters).toEqual({ open_telemetry_context: "abc" });
  });

  it("holds sends until the start-up barrier, losing none", async () => {
    const channel = daemon.channel("a/out");
    const producer = track(new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [channel] }] }) }));
    const sending = Promise.all([0, 1, 2].map((i) => producer.sendOutput("out", [i])));
    const consumer = track(new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel }] }) }));
    await daemon.until(() => daemon.subscribed("a") && daemon.subscribed("b"));
    let sent = false;
    void sending.then(() => (sent = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent).toBe(false);
    daemon.send("a", { t: "ready" });
    daemon.send("b", { t: "ready" });
    await sending;
    const events = await take(consumer, 3);
    expect(events.map((e) => (e.type === "INPUT" ? [...e.value][0] : e.type))).toEqual([0, 1, 2]);
  });

  it("recv resolves null on timeout and rejects with AbortError on abort", async () => {
    const { consumer } = await pair();
    const started = Date.now();
    expect(await consumer.recv({ timeout: 50 })).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    const controller = new AbortController();
    const waiting = consumer.recv({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
  });

  it("drops the oldest messages beyond queue_size when the consumer does not keep up, and counts them", async () => {
    const { producer, consumer } = await pair({ queueSize: 3 });
    for (let i = 0; i < 20; i++) await producer.sendOutput("out", [i]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the consumer is busy elsewhere
    expect(consumer.stats().inputs.in).toEqual({ received: 20, dropped: 17, pending: 3 });
    const events = await take(consumer, 3);
    expect(events.map((e) => (e.type === "INPUT" ? [...e.value][0] : e.type))).toEqual([17, 18, 19]);
  });

  it("lets a consumer that keeps up drain a burst larger than queue_size without drops", async () => {
    const { producer, consumer } = await pair({ queueSize: 2 });
    const received: number[] = [];
    const reading = (async () => {
      for await (const event of consumer) {
        if (event.type === "INPUT") received.push([...event.value][0] as number);
        if (received.length === 100) break;
      }
    })();
    for (let i = 0; i < 100; i++) await producer.sendOutput("out", [i]);
    await reading;
    expect(received).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(consumer.stats().inputs.in!.dropped).toBe(0);
  });

  it("with backpressure, makes the sender wait instead of dropping", async () => {
    const { producer, consumer } = await pair({ queueSize: 2, queuePolicy: "backpressure" });
    const payload = new Float64Array(16 * 1024); // 128 KB per message
    let sent = 0;
    const sending = (async () => {
      for (; sent < 200; sent++) await producer.sendOutput("out", payload);
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sent).toBeLessThan(200);
    const events = await take(consumer, 200);
    await sending;
    expect(events.every((e) => e.type === "INPUT")).toBe(true);
    expect(consumer.stats().inputs.in!.dropped).toBe(0);
    expect(producer.stats().outputs.out!.dropped).toBe(0);
  });

  it("ends the stream with STOP from the daemon, for a source node too", async () => {
    const source = track(new Node({ config: daemon.config("src", { outputs: [{ id: "out", channels: [] }] }) }));
    await daemon.barrier("src");
    const seen: NodeEvent[] = [];
    const reading = (async () => {
      for await (const event of source) seen.push(event);
    })();
    daemon.send("src", { t: "stop" });
    await reading;
    expect(seen).toEqual([expect.objectContaining({ type: "STOP", reason: "manual" })]);
  });

  it("sends INPUT_CLOSED after the last message when the producer closes, then STOP", async () => {
    const { producer, consumer } = await pair();
    await producer.sendOutput("out", [1]);
    await producer.close();
    const events = await take(consumer, 3);
    expect(events.map((e) => e.type)).toEqual(["INPUT", "INPUT_CLOSED", "STOP"]);
    expect(events[2]).toMatchObject({ reason: "all-inputs-closed" });
    expect(await consumer.recv()).toBeNull();
  });

  it("reports NODE_FAILED and closes an input whose producer died before it connected", async () => {
    const channel = daemon.channel("a/out");
    const consumer = track(new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel, producer: "a" }] }) }));
    await daemon.until(() => daemon.registered("b"));
    daemon.send("b", { t: "node_failed", sourceNodeId: "a", error: "exited with code 1", inputs: ["in"] });
    const events = await take(consumer, 3);
    expect(events.map((e) => e.type)).toEqual(["NODE_FAILED", "INPUT_CLOSED", "STOP"]);
    expect(events[0]).toMatchObject({ sourceNodeId: "a", error: "exited with code 1", affectedInputIds: ["in"] });
  });

  it("turns daemon timer ticks into INPUT events with an empty value", async () => {
    const node = track(new Node({ config: daemon.config("t", { inputs: [{ id: "tick" }] }) }));
    await daemon.barrier("t");
    daemon.send("t", { t: "timer", inputs: ["tick"], timestamp: Date.now() * 1000 });
    const [event] = await take(node, 1);
    expect(event).toMatchObject({ type: "INPUT", id: "tick" });
    if (event!.type === "INPUT") expect(event.value.length).toBe(0);
  });

  it("reports a corrupt frame as an ERROR event naming the input, and keeps going", async () => {
    const channel = daemon.channel("a/out");
    const rogue = await UnixPublisher.listen({ channel: "a/out", ...unixConnection(channel) });
    const consumer = track(new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel }] }) }));
    await daemon.barrier("b");
    rogue.send([Uint8Array.of(1, 2, 3)]); // not a frame
    const head = new Uint8Array(24);
    head[0] = 1; // version 1, raw, no parameters
    rogue.send([head, Uint8Array.of(5)]);
    const events = await take(consumer, 2);
    expect(events[0]).toMatchObject({ type: "ERROR", id: "in", error: { name: "FrameDecodeError" } });
    expect(events[1]).toMatchObject({ type: "INPUT", id: "in" });
    await rogue.close();
  });

  it("sends logs, status and drop counts to the daemon", async () => {
    const { producer, consumer } = await pair({ queueSize: 1 });
    producer.log("info", "hello", { n: 1 });
    producer.status({ text: "running", fill: "green", shape: "dot" });
    for (let i = 0; i < 5; i++) await producer.sendOutput("out", [i]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await consumer.close();
    await daemon.until(() => daemon.messages.some((m) => m.nodeId === "b" && m.message.t === "outputs_closed"));
    const of = (t: string) => daemon.messages.filter((m) => m.message.t === t).map((m) => m.message);
    expect(of("log")).toEqual([{ t: "log", level: "info", message: "hello", fields: { n: 1 } }]);
    expect(of("status")).toEqual([{ t: "status", status: { text: "running", fill: "green", shape: "dot" } }]);
    expect(daemon.messages.find((m) => m.nodeId === "b" && m.message.t === "outputs_closed")!.message).toEqual({ t: "outputs_closed", drops: { "input:in": 4 } });
  });

  it("fails the event stream with ControlPlaneError when the daemon refuses the node", async () => {
    const node = track(new Node({ config: { ...daemon.config("x"), token: "wrong" } }));
    await expect(node.recv()).rejects.toMatchObject({ name: "ControlPlaneError" });
  });
});
