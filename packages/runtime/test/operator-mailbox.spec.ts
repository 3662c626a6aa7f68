import type { NodeEvent } from "@rivulet/core";
import { describe, expect, it } from "vitest";
import { LocalInput, LocalValue } from "../src/operator-events.js";
import { OperatorMailbox } from "../src/operator-mailbox.js";

const input = (id: string, value: number): NodeEvent => new LocalInput(id, new LocalValue(value), { timestamp: 0, parameters: {} });
const drain = (mailbox: OperatorMailbox): string[] => {
  const out: string[] = [];
  for (let e = mailbox.take(); e; e = mailbox.take()) out.push(e.type === "INPUT" ? `${e.id}:${e.rows()[0]}` : e.type);
  return out;
};

describe("OperatorMailbox", () => {
  it("keeps arrival order across inputs; drop_oldest drops that input's oldest message only, and counts it", () => {
    const mailbox = new OperatorMailbox();
    mailbox.addInput("a", { queueSize: 2, queuePolicy: "drop_oldest" });
    mailbox.addInput("b", { queueSize: 2, queuePolicy: "drop_oldest" });
    mailbox.put(input("a", 1));
    mailbox.put(input("b", 1));
    mailbox.put(input("a", 2));
    mailbox.put({ type: "INPUT_CLOSED", id: "b", metadata: { timestamp: 0, parameters: {} } });
    mailbox.put(input("a", 3));
    expect(drain(mailbox)).toEqual(["b:1", "a:2", "INPUT_CLOSED", "a:3"]);
    expect(mailbox.stats().a).toEqual({ received: 2, dropped: 1, discarded: 0, pending: 0 });
  });

  it("backpressure: a put on a full input waits until the operator takes one", async () => {
    const mailbox = new OperatorMailbox();
    mailbox.addInput("a", { queueSize: 1, queuePolicy: "backpressure" });
    expect(mailbox.put(input("a", 1))).toBeUndefined();
    const wait = mailbox.put(input("a", 2));
    expect(wait).toBeInstanceOf(Promise);
    let queued = false;
    void wait!.then(() => (queued = true));
    await Promise.resolve();
    expect(queued).toBe(false);
    expect(mailbox.take()).toMatchObject({ id: "a" });
    // Taking one made room: the waiting message is queued at once, and its sender let go.
    await wait;
    expect(queued).toBe(true);
    expect(drain(mailbox)).toEqual(["a:2"]);
    expect(mailbox.stats().a).toEqual({ received: 2, dropped: 0, discarded: 0, pending: 0 });
  });

  it("backpressure: an input's INPUT_CLOSED never overtakes its messages still waiting for room", () => {
    const mailbox = new OperatorMailbox();
    mailbox.addInput("a", { queueSize: 1, queuePolicy: "backpressure" });
    mailbox.addInput("b", { queueSize: 1, queuePolicy: "backpressure" });
    mailbox.put(input("a", 1));
    void mailbox.put(input("a", 2));
    mailbox.put({ type: "INPUT_CLOSED", id: "a", metadata: { timestamp: 0, parameters: {} } });
    mailbox.put(input("b", 1));
    expect(drain(mailbox)).toEqual(["a:1", "b:1", "a:2", "INPUT_CLOSED"]);
  });

  it("once closed, discards what waits and what arrives, and lets waiting senders go", async () => {
    const mailbox = new OperatorMailbox();
    mailbox.addInput("a", { queueSize: 1, queuePolicy: "backpressure" });
    mailbox.put(input("a", 1));
    const wait = mailbox.put(input("a", 2));
    mailbox.close();
    await wait;
    mailbox.put(input("a", 3));
    expect(mailbox.take()).toBeUndefined();
    expect(mailbox.stats().a).toEqual({ received: 0, dropped: 0, discarded: 3, pending: 0 });
  });
});
