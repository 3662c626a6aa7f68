import type { InputEvent, NodeEvent } from "@rivulet/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DaemonSession } from "../src/daemon-session.js";
import { InputClaimedError, UndeclaredInputError } from "../src/patterns/claim-errors.js";
import { TestDaemon } from "./test-daemon.js";

let daemon: TestDaemon;
const sessions: DaemonSession[] = [];
const track = (session: DaemonSession): DaemonSession => (sessions.push(session), session);

beforeEach(async () => {
  daemon = await TestDaemon.start();
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await daemon.close();
});

/** Producer `a` with outputs `x` and `y`, consumer `b` reading them as inputs `x` and `y`. */
async function pair(queueSize = 10) {
  const x = daemon.channel("a/x");
  const y = daemon.channel("a/y");
  const producer = track(new DaemonSession(daemon.config("a", { outputs: [{ id: "x", channels: [x] }, { id: "y", channels: [y] }] })));
  const consumer = track(
    new DaemonSession(
      daemon.config("b", {
        inputs: [
          { id: "x", channel: x, producer: "a", queueSize },
          { id: "y", channel: y, producer: "a", queueSize },
        ],
      }),
    ),
  );
  await daemon.barrier("a", "b");
  await producer.ready();
  await consumer.ready();
  return { producer, consumer };
}

const values = (events: (InputEvent | NodeEvent)[]): unknown[] => events.map((e) => (e.type === "INPUT" ? e.rows()[0] : e.type));

async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("input claims (patterns read their own inputs)", () => {
  it("gives a claimed input's messages, those queued before the claim included, to the claim only, in order", async () => {
    const { producer, consumer } = await pair();
    await producer.outputs.sendOutput("x", 1);
    await until(() => consumer.inputs.stats().x!.received === 1);
    const claim = consumer.inputs.claim("x", "test");
    for (let i = 2; i <= 4; i++) await producer.outputs.sendOutput("x", i);
    await producer.outputs.sendOutput("y", 100);
    const claimed = [await claim.recv({ timeout: 5000 }), await claim.recv({ timeout: 5000 }), await claim.recv({ timeout: 5000 }), await claim.recv({ timeout: 5000 })];
    expect(values(claimed as InputEvent[])).toEqual([1, 2, 3, 4]);
    const main = await consumer.inputs.recv({ timeout: 5000 });
    expect(main?.type === "INPUT" && main.id).toBe("y");
    expect(await consumer.inputs.recv({ timeout: 50 })).toBeNull();
  });

  it("refuses an input the node does not have, and a second claim of the same input, naming both patterns", async () => {
    const { consumer } = await pair();
    expect(() => consumer.inputs.claim("nope", "serve")).toThrow(UndeclaredInputError);
    expect(() => consumer.inputs.claim("nope", "serve")).toThrow(/serve\(\): node 'b' has no input 'nope' \(declared inputs: x, y\)/);
    consumer.inputs.claim("x", "request");
    expect(() => consumer.inputs.claim("x", "stream")).toThrow(InputClaimedError);
    expect(() => consumer.inputs.claim("x", "stream")).toThrow(/already read by request\(\)/);
  });

  it("ends a claim at once when the daemon reports its producer failed, after the messages queued before", async () => {
    const { producer, consumer } = await pair();
    const claim = consumer.inputs.claim("x", "test");
    await producer.outputs.sendOutput("x", 7);
    await until(() => consumer.inputs.stats().x!.pending === 1);
    daemon.send("b", { t: "node_failed", sourceNodeId: "a", error: "exited with code 3", inputs: ["x"] });
    await until(() => claim.ended !== undefined);
    expect(claim.ended).toEqual({ reason: "failed", sourceNodeId: "a", error: "exited with code 3" });
    expect(values([(await claim.recv())!])).toEqual([7]);
    expect(await claim.recv()).toBeNull();
    // The main stream still hears of the failure.
    expect((await consumer.inputs.recv({ timeout: 5000 }))?.type).toBe("NODE_FAILED");
  });

  it("ends claims as stopped at STOP, and a claim made afterwards is ended already", async () => {
    const { consumer } = await pair();
    const claim = consumer.inputs.claim("x", "test");
    const ends: string[] = [];
    claim.onEnd((end) => ends.push(end.reason));
    daemon.send("b", { t: "stop" });
    await until(() => claim.ended !== undefined);
    expect(ends).toEqual(["stopped"]);
    expect(consumer.inputs.claim("y", "late").ended).toEqual({ reason: "stopped" });
  });

  it("a message with the flush flag removes the older unread messages of its input, keeping correlated ones, and counts them", async () => {
    const { producer, consumer } = await pair(50);
    for (let i = 0; i < 5; i++) await producer.outputs.sendOutput("x", i);
    await producer.outputs.sendOutput("x", 99, { request_id: "r1" });
    await producer.outputs.sendOutput("x", 98, { goal_id: "g1" });
    await producer.outputs.sendOutput("y", 50);
    await producer.outputs.sendOutput("x", -1, {}, { flush: true });
    await until(() => consumer.inputs.stats().x!.received === 8);
    expect(consumer.inputs.stats().x).toMatchObject({ received: 8, flushed: 5, pending: 3, dropped: 0 });
    const events = [];
    for (let i = 0; i < 4; i++) events.push((await consumer.inputs.recv({ timeout: 5000 }))!);
    // Arrival order across two channels is not fixed; within input x it is.
    expect(values(events.filter((e) => e.type === "INPUT" && e.id === "x"))).toEqual([99, 98, -1]);
    expect(values(events.filter((e) => e.type === "INPUT" && e.id === "y"))).toEqual([50]);
    expect(consumer.inputs.stats().y).toMatchObject({ received: 1, flushed: 0 });
  });

  it("release() gives the input up: what is queued and what comes later is discarded and counted", async () => {
    const { producer, consumer } = await pair();
    const claim = consumer.inputs.claim("x", "test");
    await producer.outputs.sendOutput("x", 1);
    await until(() => consumer.inputs.stats().x!.pending === 1);
    claim.release(5); // five it had taken and never handed out (a reader's read-ahead)
    expect(claim.ended).toEqual({ reason: "released" });
    await producer.outputs.sendOutput("x", 2);
    await until(() => consumer.inputs.stats().x!.received === 2);
    expect(consumer.inputs.stats().x).toMatchObject({ received: 2, discarded: 7, pending: 0 });
    expect(await consumer.inputs.recv({ timeout: 50 })).toBeNull();
  });

  it("a reply input's correlated messages arriving after STOP are not counted as lost; others are", async () => {
    const { producer, consumer } = await pair();
    consumer.inputs.claim("x", "request", { replies: true });
    consumer.inputs.claim("y", "stream");
    daemon.send("b", { t: "stop" });
    await until(() => consumer.inputs.ended);
    await producer.outputs.sendOutput("x", 1, { request_id: "someone-else" });
    await producer.outputs.sendOutput("x", 2);
    await producer.outputs.sendOutput("y", 3, { request_id: "r" });
    await until(() => consumer.inputs.stats().x!.received === 2 && consumer.inputs.stats().y!.received === 1);
    expect(consumer.inputs.stats().x).toMatchObject({ received: 2, discarded: 1 });
    expect(consumer.inputs.stats().y).toMatchObject({ received: 1, discarded: 1 });
  });
});
