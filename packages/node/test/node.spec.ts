import { UnixPublisher, unixConnection } from "@rivulet/transport-unix";
import { Struct, vectorFromArray } from "apache-arrow";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Node, type NodeConfig, type NodeEvent } from "../src/index.js";
import { FakeProducer, TestDaemon } from "./test-daemon.js";
import { FrameDecodeError, TransportError } from "@rivulet/core";
import { ValueEncoder, encodeFrameHead } from "@rivulet/core/internal";

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
async function pair(input: { queueSize?: number; queuePolicy?: "drop_oldest" | "backpressure" } = {}, producerConfig: Partial<NodeConfig> = {}) {
  const channel = daemon.channel("a/out");
  const producer = track(new Node({ config: { ...daemon.config("a", { outputs: [{ id: "out", channels: [channel] }] }), ...producerConfig } }));
  const consumer = track(new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel, producer: "a", ...input }] }) }));
  await daemon.barrier("a", "b");
  await producer.ready();
  await consumer.ready();
  return { producer, consumer };
}

/** Waits until `predicate` holds (checked on every turn of the event loop). */
async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setImmediate(resolve));
  }
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

  it("gives a record back as a plain object through event.rows(), other values as plain rows", async () => {
    const { producer, consumer } = await pair();
    const reading = { id: "dev-1", t: 21.5, ok: true, n: 3, tag: "a", big: 2n ** 62n, gone: null };
    await producer.sendOutput("out", reading);
    await producer.sendOutput("out", [{ xs: [1, 2] }, null]);
    await producer.sendOutput("out", Uint8Array.of(9, 8));
    const [first, second, third] = await take(consumer, 3);
    if (first!.type !== "INPUT" || second!.type !== "INPUT" || third!.type !== "INPUT") throw new Error("expected inputs");
    const [row] = first.rows();
    expect(row).toEqual(reading);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(second.rows()).toEqual([{ xs: [1, 2] }, null]);
    expect(third.rows()).toEqual([9, 8]); // a raw payload's value is a Uint8 vector
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
    // A round trip through the producer's control connection: it has handled everything that
    // arrived before, and its sends are still held.
    producer.log("info", "still waiting");
    await daemon.until(() => daemon.messages.some((m) => m.nodeId === "a" && m.message.t === "log"));
    expect(sent).toBe(false);
    daemon.send("a", { t: "ready" });
    daemon.send("b", { t: "ready" });
    await sending;
    const events = await take(consumer, 3);
    expect(events.map((e) => (e.type === "INPUT" ? [...e.value][0] : e.type))).toEqual([0, 1, 2]);
  });

  it("recv resolves null on timeout and rejects with AbortError on abort", async () => {
    const { consumer } = await pair();
    expect(await consumer.recv({ timeout: 50 })).toBeNull();
    const controller = new AbortController();
    const waiting = consumer.recv({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
  });

  it("drops the oldest messages beyond queue_size when the consumer does not keep up, and counts them", async () => {
    const { producer, consumer } = await pair({ queueSize: 3 });
    for (let i = 0; i < 20; i++) await producer.sendOutput("out", [i]);
    // The consumer is busy elsewhere until all 20 have arrived and the queue is back in bounds.
    await until(() => consumer.stats().inputs.in!.received === 20 && consumer.stats().inputs.in!.pending <= 3);
    expect(consumer.stats().inputs.in).toEqual({ received: 20, dropped: 17, discarded: 0, flushed: 0, pending: 3 });
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

  it("with backpressure, makes the sender wait instead of dropping, and reports the stall", async () => {
    const { producer, consumer } = await pair({ queueSize: 2, queuePolicy: "backpressure" }, { stallReportMs: 100 });
    const payload = new Float64Array(16 * 1024); // 128 KB per message
    let sent = 0;
    const sending = (async () => {
      for (; sent < 200; sent++) await producer.sendOutput("out", payload);
    })();
    // The consumer does not read: the producer's send waits until it is reported as stalled.
    await daemon.until(() => daemon.messages.some((m) => m.nodeId === "a" && m.message.t === "output_stalled"));
    expect(sent).toBeLessThan(200);
    expect(daemon.messages.find((m) => m.message.t === "output_stalled")!.message).toMatchObject({ output: "out", waitedMs: expect.any(Number) });
    const events = await take(consumer, 200);
    await sending;
    await daemon.until(() => daemon.messages.some((m) => m.nodeId === "a" && m.message.t === "output_resumed"));
    expect(events.every((e) => e.type === "INPUT")).toBe(true);
    expect(consumer.stats().inputs.in!.dropped).toBe(0);
    expect(producer.stats().outputs.out!.dropped).toBe(0);
  });

  it("with backpressure, many sends waiting at once (requests in flight) raise no MaxListenersExceededWarning", async () => {
    const { producer, consumer } = await pair({ queueSize: 1, queuePolicy: "backpressure" });
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const sends = Promise.all(Array.from({ length: 50 }, (_, i) => producer.sendOutput("out", [i])));
      await take(consumer, 50);
      await sends;
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it("with backpressure, a send waiting for a consumer that does not read resolves at STOP; later sends are discarded", async () => {
    const { producer } = await pair({ queueSize: 1, queuePolicy: "backpressure" }, { stallReportMs: 50 });
    let sent = 0;
    const sending = (async () => {
      for (; sent < 50; sent++) await producer.sendOutput("out", [sent]);
    })();
    // A send is waiting for credit: the producer reported the stall.
    await daemon.until(() => daemon.messages.some((m) => m.nodeId === "a" && m.message.t === "output_stalled"));
    expect(sent).toBeLessThan(50);
    daemon.send("a", { t: "stop" });
    await sending; // resolves: neither hangs nor rejects
    expect(producer.signal.aborted).toBe(true);
    expect(producer.stats().outputs.out!.discarded).toBeGreaterThan(0);
  });

  it("with backpressure, a producer gets at most queue_size messages ahead of what its consumer took", async () => {
    const queueSize = 3;
    const { producer, consumer } = await pair({ queueSize, queuePolicy: "backpressure" });
    let sent = 0;
    const sending = (async () => {
      for (; sent < 60; ) {
        await producer.sendOutput("out", [sent]);
        sent++;
      }
    })();
    let taken = 0;
    let ahead = 0;
    for await (const event of consumer) {
      if (event.type !== "INPUT") continue;
      ahead = Math.max(ahead, sent - taken);
      taken++;
      // A slow consumer: the producer has several turns of the event loop to run ahead.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      if (taken === 60) break;
    }
    await sending;
    // sent counts only sends that resolved; the one in progress is the "+ 1".
    expect(ahead).toBeLessThanOrEqual(queueSize + 1);
  });

  it("aborts node.signal on STOP; a send waiting for a barrier that never opened rejects with NodeStoppedError", async () => {
    const channel = daemon.channel("a/out");
    const source = track(new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [channel] }] }) }));
    const early = source.sendOutput("out", [1]); // waits at the barrier, which never opens
    expect(source.signal.aborted).toBe(false);
    await daemon.until(() => daemon.messages.some((m) => m.nodeId === "a" && m.message.t === "subscribed"));
    daemon.send("a", { t: "stop" });
    await expect(early).rejects.toMatchObject({ name: "NodeStoppedError", nodeId: "a", outputId: "out" });
    expect(source.signal.aborted).toBe(true);
    await expect(source.sendOutput("out", [2])).rejects.toMatchObject({ name: "NodeStoppedError", nodeId: "a", outputId: "out" });
  });

  it("after STOP, a send (once the node ran) sends nothing, resolves, and is counted as discarded", async () => {
    const { producer, consumer } = await pair();
    await producer.sendOutput("out", [1]);
    daemon.send("a", { t: "stop" });
    await until(() => producer.signal.aborted);
    await producer.sendOutput("out", [2]);
    expect(producer.stats().outputs.out).toMatchObject({ sent: 1, discarded: 1 });
    await producer.sendOutput("out", [3]);
    expect(producer.stats().outputs.out).toMatchObject({ sent: 1, discarded: 2 });
    // Told once how to end such a loop.
    await daemon.until(() => daemon.messages.some((m) => m.nodeId === "a" && m.message.t === "log"));
    expect(daemon.messages.filter((m) => m.nodeId === "a" && m.message.t === "log")).toHaveLength(1);
    const [first] = await take(consumer, 1);
    expect(first).toMatchObject({ type: "INPUT" });
    await producer.close();
    // Only INPUT_CLOSED follows the one message sent: the send after STOP never left.
    const rest = await take(consumer, 2);
    expect(rest.map((e) => e.type)).toEqual(["INPUT_CLOSED", "STOP"]);
    await daemon.until(() => daemon.messages.some((m) => m.nodeId === "a" && m.message.t === "outputs_closed"));
    expect(daemon.messages.find((m) => m.nodeId === "a" && m.message.t === "outputs_closed")!.message).toEqual({ t: "outputs_closed", drops: { inputs: {}, outputs: { out: 2 } } });
  });

  it("counts messages that arrive after STOP as discarded, and reports them with the drops", async () => {
    const { producer, consumer } = await pair({ queuePolicy: "backpressure" });
    daemon.send("b", { t: "stop" });
    await until(() => consumer.signal.aborted);
    for (let i = 0; i < 3; i++) await producer.sendOutput("out", [i]);
    await until(() => consumer.stats().inputs.in!.discarded === 3);
    expect(consumer.stats().inputs.in).toEqual({ received: 3, dropped: 0, discarded: 3, flushed: 0, pending: 0 });
    await consumer.close();
    await daemon.until(() => daemon.messages.some((m) => m.nodeId === "b" && m.message.t === "outputs_closed"));
    expect(daemon.messages.find((m) => m.nodeId === "b" && m.message.t === "outputs_closed")!.message).toEqual({ t: "outputs_closed", drops: { inputs: { in: 3 }, outputs: {} } });
  });

  it("refuses parameters the frame cannot carry with InvalidParameterError naming the key", async () => {
    const { producer, consumer } = await pair();
    const bad: [Record<string, unknown>, string, string][] = [
      [{ v: Number.NaN }, "v", "not-finite"],
      [{ inf: Number.POSITIVE_INFINITY }, "inf", "not-finite"],
      [{ nested: { a: 1 } }, "nested", "nested"],
      [{ big: 1n }, "big", "type"],
      [{ none: null }, "none", "type"],
      [{ mixed: [1, "a"] }, "mixed", "mixed-array"],
      [{ list: [1, Number.NaN] }, "list", "not-finite"],
    ];
    for (const [parameters, key, reason] of bad) {
      await expect(producer.sendOutput("out", [1], parameters as never)).rejects.toMatchObject({ name: "InvalidParameterError", key, reason });
    }
    await producer.sendOutput("out", [1], { ok: true, n: 1.5, s: "x", xs: [1, 2], tags: ["a"], empty: [] });
    const [event] = await take(consumer, 1);
    expect(event).toMatchObject({ type: "INPUT", metadata: { parameters: { ok: true, n: 1.5, s: "x", xs: [1, 2], tags: ["a"], empty: [] } } });
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

  it("a node whose inputs all closed gets STOP (all-inputs-closed), its signal stays unaborted, and it may still send", async () => {
    const upstream = daemon.channel("a/out");
    const downstream = daemon.channel("b/out", ["c"]);
    const a = track(new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [upstream] }] }) }));
    const b = track(new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel: upstream, producer: "a" }], outputs: [{ id: "out", channels: [downstream] }] }) }));
    const c = track(new Node({ config: daemon.config("c", { inputs: [{ id: "in", channel: downstream, producer: "b" }] }) }));
    await daemon.barrier("a", "b", "c");
    await Promise.all([a.ready(), b.ready(), c.ready()]);
    await a.close();
    const events = await take(b, 2);
    expect(events.map((e) => e.type)).toEqual(["INPUT_CLOSED", "STOP"]);
    expect(events[1]).toMatchObject({ reason: "all-inputs-closed" });
    expect(b.signal.aborted).toBe(false);
    await b.sendOutput("out", [9]);
    expect(b.stats().outputs.out).toMatchObject({ sent: 1, discarded: 0 });
    const [got] = await take(c, 1);
    expect(got).toMatchObject({ type: "INPUT", id: "in" });
    expect(Array.from((got as { value: { toArray(): ArrayLike<number> } }).value.toArray())).toEqual([9]);
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
    rogue.send([Uint8Array.of(2, 0, 0)]); // version 2, but not a whole header
    const old = new Uint8Array(24);
    old[0] = 1; // a version-1 frame, from a node of an older Rivulet
    rogue.send([old, Uint8Array.of(5)]);
    const head = new Uint8Array(32);
    head[0] = 2; // version 2, raw, no flags, channel 0, no parameters
    rogue.send([head, Uint8Array.of(5)]);
    const events = await take(consumer, 3);
    expect(events[0]).toMatchObject({ type: "ERROR", id: "in", error: { name: "FrameDecodeError" } });
    expect(events[1]).toMatchObject({ type: "ERROR", id: "in", error: { name: "UnsupportedFrameVersionError", version: 1, supported: 2 } });
    expect(events[2]).toMatchObject({ type: "INPUT", id: "in" });
    await rogue.close();
  });

  it("refuses a frame carrying another planned channel's id with ChannelMismatchError naming node and input, and keeps going", async () => {
    const channel = { ...daemon.channel("a/out"), channelId: 5 };
    const rogue = await UnixPublisher.listen({ channel: "a/out", ...unixConnection(channel) });
    const consumer = track(new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel }] }) }));
    await daemon.barrier("b");
    rogue.send([encodeFrameHead({ encoding: 0, seq: 1, timestamp: 1, parameters: {}, channelId: 3 }), Uint8Array.of(1)]);
    rogue.send([encodeFrameHead({ encoding: 0, seq: 2, timestamp: 2, parameters: {}, channelId: 5 }), Uint8Array.of(2)]);
    const [mismatch, input] = await take(consumer, 2);
    expect(mismatch).toMatchObject({ type: "ERROR", id: "in", error: { name: "ChannelMismatchError", nodeId: "b", inputId: "in", expected: 5, got: 3 } });
    expect(input).toMatchObject({ type: "INPUT", id: "in" });
    if (input!.type === "INPUT") expect([...input.data]).toEqual([2]);
    await rogue.close();
  });

  it("carries the frame's typed fields from sendOutput's options to event.metadata, and none when none was set", async () => {
    const { producer, consumer } = await pair();
    const trace = { traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2), flags: 1 };
    const goalId = new Uint8Array(16).fill(9);
    await producer.sendOutput("out", [1], { k: "v" }, { requestId: 2n ** 63n, goalId, streamSeq: 4n, fin: true, flush: true, trace });
    await producer.sendOutput("out", [2]);
    const [first, second] = await take(consumer, 2);
    expect(first!.metadata).toMatchObject({ parameters: { k: "v" }, requestId: 2n ** 63n, streamSeq: 4n, fin: true, flush: true });
    expect([...first!.metadata.goalId!]).toEqual([...goalId]);
    expect([[...first!.metadata.trace!.traceId], [...first!.metadata.trace!.spanId], first!.metadata.trace!.flags]).toEqual([[...trace.traceId], [...trace.spanId], 1]);
    expect(Object.keys(second!.metadata).sort()).toEqual(["parameters", "timestamp"]);
  });

  it("sends struct types by id: a consumer that joins late gets the definitions and reads every shape", async () => {
    const channel = daemon.channel("a/out", ["b", "c"]);
    const producer = track(new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [channel] }] }) }));
    const early = track(new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel, producer: "a" }] }) }));
    await daemon.barrier("a", "b");
    await producer.ready();
    const reading = { id: "dev-1", t: 21.5, ok: true, n: 3, tag: "a" };
    const values = [reading, { x: [1, 2] }, { ...reading, tag: "b" }, 4.5];
    for (const value of values) await producer.sendOutput("out", value);
    const late = track(new Node({ config: daemon.config("c", { inputs: [{ id: "in", channel, producer: "a" }] }) }));
    await daemon.barrier("c");
    await late.ready();
    await until(() => producer.stats().outputs.out!.subscribers === 2);
    const later = [{ ...reading, n: 4 }, { x: [3] }];
    for (const value of later) await producer.sendOutput("out", value);
    // Each event's one row as plain JSON (Arrow rows and vectors have toJSON), or its type.
    const rows = (events: NodeEvent[]): unknown[] => events.map((e) => (e.type === "INPUT" ? JSON.parse(JSON.stringify(e.value.get(0))) : e.type));
    expect(rows(await take(early, 6))).toEqual([...values, ...later]);
    expect(rows(await take(late, 2))).toEqual(later);
    // Definitions are not messages: 6 sent, none counted twice, nothing dropped.
    expect(producer.stats().outputs.out).toMatchObject({ sent: 6, dropped: 0 });
  });

  it("reports a payload whose type id was never defined as UnknownTypeIdError naming the input and node", async () => {
    const channel = daemon.channel("a/out");
    const rogue = await UnixPublisher.listen({ channel: "a/out", ...unixConnection(channel) });
    const consumer = track(new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel }] }) }));
    await daemon.barrier("b");
    const payload = new ValueEncoder({ typeIds: true }).encode({ a: 1 });
    // Sent without its prelude: the consumer never hears of type id 0.
    rogue.send([encodeFrameHead({ encoding: payload.encoding, seq: 1, timestamp: 1, parameters: {} }), ...payload.chunks]);
    const [event] = await take(consumer, 1);
    expect(event).toMatchObject({ type: "ERROR", id: "in", error: { name: "UnknownTypeIdError", typeId: 0, inputId: "in", nodeId: "b" } });
    expect(event!.type === "ERROR" && event!.error).toBeInstanceOf(FrameDecodeError);
    await rogue.close();
  });

  it("sends logs, status and drop counts to the daemon", async () => {
    const { producer, consumer } = await pair({ queueSize: 1 });
    producer.log("info", "hello", { n: 1 });
    producer.status({ text: "running", fill: "green", shape: "dot" });
    for (let i = 0; i < 5; i++) await producer.sendOutput("out", [i]);
    await until(() => consumer.stats().inputs.in!.received === 5 && consumer.stats().inputs.in!.pending <= 1);
    await consumer.close();
    await daemon.until(() => daemon.messages.some((m) => m.nodeId === "b" && m.message.t === "outputs_closed"));
    const of = (t: string) => daemon.messages.filter((m) => m.message.t === t).map((m) => m.message);
    expect(of("log")).toEqual([{ t: "log", level: "info", message: "hello", fields: { n: 1 } }]);
    expect(of("status")).toEqual([{ t: "status", status: { text: "running", fill: "green", shape: "dot" } }]);
    expect(daemon.messages.find((m) => m.nodeId === "b" && m.message.t === "outputs_closed")!.message).toEqual({ t: "outputs_closed", drops: { inputs: { in: 5 }, outputs: {} } });
    // 4 dropped by the queue, plus the 1 left unread at close (discarded): 5 sent, none read.
    expect(consumer.stats().inputs.in).toMatchObject({ received: 5, dropped: 4, discarded: 1, flushed: 0, pending: 0 });
  });

  it("fails the event stream with ControlPlaneError when the daemon refuses the node", async () => {
    const node = track(new Node({ config: { ...daemon.config("x"), token: "wrong" } }));
    await expect(node.recv()).rejects.toMatchObject({ name: "ControlPlaneError" });
  });

  it("reports drops to the daemon while running, per input, without waiting for close", async () => {
    const { producer, consumer } = await pair({ queueSize: 1 });
    for (let i = 0; i < 5; i++) await producer.sendOutput("out", [i]);
    await daemon.until(() => daemon.messages.some((m) => m.nodeId === "b" && m.message.t === "drops" && m.message.drops.inputs.in === 4));
    expect(consumer.stats().inputs.in!.dropped).toBe(4);
    expect(daemon.messages.some((m) => m.nodeId === "b" && m.message.t === "outputs_closed")).toBe(false);
  });

  it("adds one beforeExit listener however many nodes a process creates, and removes it when all are closed", async () => {
    const before = process.listenerCount("beforeExit");
    const many = Array.from({ length: 12 }, (_, i) => track(new Node({ config: daemon.config(`n${i}`) })));
    expect(process.listenerCount("beforeExit")).toBe(before + 1);
    await Promise.all(many.map((n) => n.close()));
    expect(process.listenerCount("beforeExit")).toBe(before);
  });

  it("a producer whose connection breaks: NODE_FAILED, then INPUT_CLOSED, then STOP, also for the only input", async () => {
    const channel = daemon.channel("a/out");
    const producer = await FakeProducer.listen((channel.connection as { path: string }).path);
    const consumer = track(new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel, producer: "a" }] }) }));
    await daemon.barrier("b");
    await producer.send(Uint8Array.of(1));
    await producer.crash();
    const [first] = await take(consumer, 1);
    expect(first).toMatchObject({ type: "INPUT", id: "in" });
    // The daemon's verdict comes after the transport saw the connection break.
    daemon.send("b", { t: "node_failed", sourceNodeId: "a", error: "exited with code 3", inputs: ["in"] });
    const rest: NodeEvent[] = [];
    for await (const event of consumer) rest.push(event);
    expect(rest.map((e) => e.type)).toEqual(["NODE_FAILED", "INPUT_CLOSED", "STOP"]);
    expect(rest[0]).toMatchObject({ sourceNodeId: "a", error: "exited with code 3", affectedInputIds: ["in"] });
  });

  it("a producer whose connection breaks and about which the daemon says nothing: ERROR, INPUT_CLOSED, STOP after a bounded wait", async () => {
    const channel = daemon.channel("a/out");
    const producer = await FakeProducer.listen((channel.connection as { path: string }).path);
    const consumer = track(new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel, producer: "a" }] }) }));
    await daemon.barrier("b");
    await producer.crash();
    const events: NodeEvent[] = [];
    for await (const event of consumer) events.push(event);
    expect(events.map((e) => e.type)).toEqual(["ERROR", "INPUT_CLOSED", "STOP"]);
    expect(events[0]).toMatchObject({ id: "in", error: { channel: "a/out" } });
    expect(events[0]!.type === "ERROR" && events[0]!.error).toBeInstanceOf(TransportError);
  });
});

describe("inputs fed in-process (local: true)", () => {
  it("are neither subscribed nor queued by the node, and do not keep it from STOP once its other inputs closed", async () => {
    const channel = daemon.channel("a/out", ["rt"]);
    const producer = track(new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [channel] }] }) }));
    // A runtime node whose operator `sum` reads `a/out` and also `double/out`, an operator of its own.
    const runtime = track(
      new Node({
        config: daemon.config("rt", {
          inputs: [
            { id: "sum/in", channel, producer: "a" },
            { id: "sum/doubled", source: "rt/double/doubled", producer: "rt", local: true },
          ],
        }),
      }),
    );
    await daemon.barrier("a", "rt");
    await runtime.ready();
    await producer.sendOutput("out", 1);
    await producer.close();
    daemon.send("rt", { t: "input_closed", inputs: ["sum/in"] });
    const events: NodeEvent[] = [];
    for await (const event of runtime) events.push(event);
    expect(events.map((e) => `${e.type}${"id" in e && e.id ? ` ${e.id}` : ""}`)).toEqual(["INPUT sum/in", "INPUT_CLOSED sum/in", "STOP"]);
    expect(events.at(-1)).toMatchObject({ reason: "all-inputs-closed" });
    expect(Object.keys(runtime.stats().inputs)).toEqual(["sum/in"]);
  });
});
