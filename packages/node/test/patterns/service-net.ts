import type { InputEvent } from "@rivulet/core";
import { LoopbackNet, type LoopbackHost } from "./loopback-net.js";

/**
 * The service tests' dataflow: clients `a` and `b` send on their output `request` to the
 * server's input `request`; the server's output `response` feeds both clients' input `response`
 * (so each client also sees the other's replies, as in a real fan-out).
 */
export function serviceNet(): { net: LoopbackNet; server: LoopbackHost; a: LoopbackHost; b: LoopbackHost } {
  const net = new LoopbackNet();
  const server = net.host("server");
  const a = net.host("a");
  const b = net.host("b");
  net
    .connect("a/request", "server/request")
    .connect("b/request", "server/request")
    .connect("server/response", "a/response")
    .connect("server/response", "b/response");
  return { net, server, a, b };
}

/** Lets `count` event-loop turns pass: each loopback hop takes one (arrival "a turn later"). */
export async function turns(count = 4): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A promise with its resolve function outside, to hold a handler until the test lets it go. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** The first row of an event's value (what a sender's plain value comes back as). */
export function rowOf(event: InputEvent): unknown {
  return event.rows()[0];
}

/** Fake clock and timeouts, real setImmediate: loopback messages keep arriving a turn later. */
export const FAKE_TIMERS = { toFake: ["setTimeout", "clearTimeout", "Date"] } as const;
