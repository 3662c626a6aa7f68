import type { NodeEvent, Parameter } from "@rivulet/core";
import { describe, expect, it } from "vitest";
import { InputQueues } from "../src/input-queues.js";

/** An INPUT event of `id` named `name` (parameter), with the typed `flush` field when `flush`. */
function message(id: string, name: string, parameters: Record<string, Parameter> = {}, flush = false): NodeEvent {
  const metadata = { timestamp: 0, parameters: { name, ...parameters }, ...(flush ? { flush: true } : {}) };
  return { type: "INPUT", id, metadata } as unknown as NodeEvent;
}

const flushOf = (id: string, name = "flush"): NodeEvent => message(id, name, { flush: true }, true);

/** What the program reads, as `input:name` (control events by type). */
function drain(queues: InputQueues): string[] {
  const read: string[] = [];
  for (let event = queues.shift(); event; event = queues.shift()) {
    read.push(event.type === "INPUT" ? `${event.id}:${String(event.metadata.parameters.name)}` : event.type);
  }
  return read;
}

const names = (events: NodeEvent[]): string[] => events.map((event) => String(event.metadata.parameters.name));

describe("InputQueues flush (receiver side of a stream's barge-in)", () => {
  it("drops the older queued messages of the flushed input, counts them as flushed, and queues the flush itself", () => {
    const dropped: NodeEvent[] = [];
    const queues = new InputQueues({ onDropped: (event) => dropped.push(event) });
    queues.addInput("text", 10, "drop_oldest");
    for (const name of ["a", "b", "c"]) queues.pushInput("text", message("text", name));
    queues.pushInput("text", flushOf("text"));
    queues.pushInput("text", message("text", "d"));

    expect(queues.length).toBe(2);
    expect(queues.stats().text).toEqual({ received: 5, dropped: 0, discarded: 0, pending: 2, flushed: 3 });
    expect(names(dropped)).toEqual(["a", "b", "c"]);
    expect(drain(queues)).toEqual(["text:flush", "text:d"]);
  });

  it("keeps the messages that carry a request_id or a goal_id (service and action traffic)", () => {
    const queues = new InputQueues();
    queues.addInput("text", 10, "drop_oldest");
    queues.pushInput("text", message("text", "chunk"));
    queues.pushInput("text", message("text", "reply", { request_id: "0190-req" }));
    queues.pushInput("text", message("text", "feedback", { goal_id: "0190-goal" }));
    queues.pushInput("text", flushOf("text"));

    expect(drain(queues)).toEqual(["text:reply", "text:feedback", "text:flush"]);
    expect(queues.stats().text!.flushed).toBe(1);
  });

  it("leaves other inputs and control events alone, and keeps the arrival order", () => {
    const queues = new InputQueues();
    queues.addInput("text", 10, "drop_oldest");
    queues.addInput("audio", 10, "drop_oldest");
    queues.pushInput("audio", message("audio", "a1"));
    queues.pushInput("text", message("text", "t1"));
    queues.pushControl({ type: "INPUT_CLOSED", id: "other", metadata: { timestamp: 0, parameters: {} } } as NodeEvent);
    queues.pushInput("audio", message("audio", "a2"));
    queues.pushInput("text", flushOf("text"));

    expect(drain(queues)).toEqual(["audio:a1", "INPUT_CLOSED", "audio:a2", "text:flush"]);
    expect(queues.stats().audio).toEqual({ received: 2, dropped: 0, discarded: 0, pending: 0, flushed: 0 });
    expect(queues.stats().text!.flushed).toBe(1);
  });

  it("drops nothing on a message with the flush parameter but not the typed field, nor after what was already read", () => {
    const queues = new InputQueues();
    queues.addInput("text", 10, "drop_oldest");
    queues.pushInput("text", message("text", "read"));
    expect(drain(queues)).toEqual(["text:read"]);
    queues.pushInput("text", message("text", "kept"));
    queues.pushInput("text", message("text", "param only", { flush: true }));
    queues.pushInput("text", flushOf("text", "first"));
    queues.pushInput("text", flushOf("text", "second"));

    // The second flush drops the first one, which was queued older.
    expect(drain(queues)).toEqual(["text:second"]);
    expect(queues.stats().text!.flushed).toBe(3);
  });

  it("resumes a full backpressure input the flush made room in, and returns the flushed messages' credit", () => {
    const events: string[] = [];
    const queues = new InputQueues({
      onFull: (id) => events.push(`full ${id}`),
      onSpace: (id) => events.push(`space ${id}`),
      onTaken: (id) => events.push(`taken ${id}`),
    });
    queues.addInput("text", 3, "backpressure");
    for (const name of ["a", "b", "c"]) queues.pushInput("text", message("text", name));
    expect(events).toEqual(["full text"]);
    // A paused subscription delivers nothing more; the flush that was on its way still arrives.
    queues.pushInput("text", flushOf("text"));

    // Flushed messages never reach the program, but their flow-control credit must go back, or
    // the producer's window shrinks by every flush until it stalls.
    expect(events.filter((event) => event === "taken text")).toHaveLength(3);
    expect(events.at(-1)).toBe("space text");
    expect(queues.stats().text).toEqual({ received: 4, dropped: 0, discarded: 0, pending: 1, flushed: 3 });
    expect(drain(queues)).toEqual(["text:flush"]);
  });
});
