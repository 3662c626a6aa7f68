import type { FrameLease, NodeEvent, PlannedChannel, TransportPlugin } from "@rivulet/core";
import { unix } from "@rivulet/transport-unix";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LazyInputEvent } from "../src/input-event.js";
import { InputQueues } from "../src/input-queues.js";
import { Node } from "../src/index.js";
import { TestDaemon } from "./test-daemon.js";

/** A lease that records whether, and how often, it was released. */
function lease(): FrameLease & { releases: number } {
  const l = { releases: 0, release: () => void l.releases++ };
  return l;
}

const frame = { encoding: 0, payload: Uint8Array.of(1, 2, 3) };
const event = (l?: FrameLease) => new LazyInputEvent("in", frame, { timestamp: 0n as never, parameters: {} }, undefined, l);

describe("LazyInputEvent and its transport's lease (README: events on shared memory)", () => {
  it("gives unread bytes back when the program moves on; reading them later is a FrameReleasedError naming the input", () => {
    const l = lease();
    const e = event(l);
    e.settle();
    expect(l.releases).toBe(1);
    expect(() => e.data).toThrow(expect.objectContaining({ name: "FrameReleasedError", inputId: "in" }));
    expect(() => e.rows()).toThrow(expect.objectContaining({ name: "FrameReleasedError" }));
    e.settle();
    e.release();
    expect(l.releases).toBe(1);
  });

  it("keeps bytes the program read, or retained, until it releases them (or they are garbage collected, the transport's part)", () => {
    const read = lease();
    const e = event(read);
    expect([...e.data]).toEqual([1, 2, 3]);
    e.settle();
    expect(read.releases).toBe(0);
    expect([...e.data]).toEqual([1, 2, 3]);
    e.release();
    e.release();
    expect(read.releases).toBe(1);

    const kept = lease();
    const k = event(kept);
    k.retain();
    k.settle();
    expect(kept.releases).toBe(0);
    expect([...k.data]).toEqual([1, 2, 3]);
  });

  it("gives back the bytes of an event its queue dropped; without a lease nothing changes", () => {
    const l = lease();
    event(l).drop();
    expect(l.releases).toBe(1);
    const own = event();
    own.settle();
    expect([...own.data]).toEqual([1, 2, 3]);
  });
});

describe("InputQueues hooks for lent frames", () => {
  it("reports events dropped by drop_oldest, discarded at close or after it, and the last one handed out when the program asks for the next", () => {
    const dropped: NodeEvent[] = [];
    const movedOn: NodeEvent[] = [];
    const queues = new InputQueues({ onDropped: (e) => dropped.push(e), onMovedOn: (e) => movedOn.push(e) });
    queues.addInput("in", 2, "drop_oldest");
    const events = [0, 1, 2, 3].map(() => event());
    for (const e of events) queues.pushInput("in", e);
    queues.trim();
    expect(dropped).toEqual([events[0], events[1]]);
    expect(queues.shift()).toBe(events[2]);
    expect(movedOn).toEqual([]);
    expect(queues.shift()).toBe(events[3]);
    expect(movedOn).toEqual([events[2]]);
    expect(queues.shift()).toBeUndefined();
    expect(movedOn).toEqual([events[2], events[3]]);
    queues.settle(); // nothing handed out since: nothing more
    expect(movedOn).toHaveLength(2);
    const queued = event();
    queues.pushInput("in", queued);
    queues.closeIntake();
    const late = event();
    queues.pushInput("in", late);
    expect(dropped).toEqual([events[0], events[1], queued, late]);
  });
});

/** The unix transport, lending every frame it delivers (as shared memory would), with a record of the leases. */
function lending(): { plugin: TransportPlugin; leases: ReturnType<typeof lease>[] } {
  const inner = unix();
  const leases: ReturnType<typeof lease>[] = [];
  const plugin: TransportPlugin = {
    ...inner,
    create: (init) => {
      const transport = inner.create(init);
      return {
        publish: (channel, options) => transport.publish(channel, options),
        close: () => transport.close(),
        subscribe: (channel, options) =>
          transport.subscribe(channel, {
            ...options,
            onFrame: (bytes) => {
              const l = lease();
              leases.push(l);
              options.onFrame(bytes, l);
            },
          }),
      };
    },
  };
  return { plugin, leases };
}

let daemon: TestDaemon;
beforeEach(async () => {
  daemon = await TestDaemon.start();
});
afterEach(async () => {
  await daemon.close();
});

describe("a node on a transport that lends its memory", () => {
  it("gives a frame back when the loop takes the next event unless the program read it, and all of them when it closes", async () => {
    const { plugin, leases } = lending();
    const channel: PlannedChannel = daemon.channel("a/out");
    const producer = new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [channel] }] }) });
    const consumer = new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel, producer: "a", queueSize: 10 }] }), transports: { unix: plugin } });
    await daemon.barrier("a", "b");
    await Promise.all([producer.ready(), consumer.ready()]);
    for (let i = 0; i < 3; i++) await producer.sendOutput("out", [i]);
    const first = (await consumer.recv({ timeout: 10_000 }))!;
    expect(first.type).toBe("INPUT");
    // The output's type definition came first (a prelude, not a message): given back at once.
    await expect.poll(() => leases.length, { timeout: 10_000 }).toBe(4);
    expect(leases[0]!.releases).toBe(1);
    leases.shift();
    expect(leases.map((l) => l.releases)).toEqual([0, 0, 0]);
    const second = (await consumer.recv({ timeout: 10_000 }))!; // the first was never read: it goes back
    expect(leases.map((l) => l.releases)).toEqual([1, 0, 0]);
    expect(() => (first as LazyInputEvent).value).toThrow(expect.objectContaining({ name: "FrameReleasedError" }));
    expect((second as LazyInputEvent).value.toArray()).toEqual(Float64Array.of(1));
    const third = (await consumer.recv({ timeout: 10_000 }))!; // the second was read: the program keeps it
    expect(leases.map((l) => l.releases)).toEqual([1, 0, 0]);
    (second as LazyInputEvent).release();
    expect(leases.map((l) => l.releases)).toEqual([1, 1, 0]);
    expect(third.type).toBe("INPUT");
    await producer.close();
    await consumer.close();
    expect(leases.map((l) => l.releases)).toEqual([1, 1, 1]);
  });
});
