import type { InputEvent } from "@rivulet/core";
import { ServiceClient } from "../../src/patterns/service-client.js";
import { type ServeInit, type ServiceHandler, type ServiceServer, serve } from "../../src/patterns/service-server.js";
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

/** A client of `host` (`a` or `b` of a serviceNet): requests on `request`, replies on `response`. */
export function clientOf(host: LoopbackHost): ServiceClient {
  return new ServiceClient(host, "request", "response");
}

/** Serves the serviceNet's `request` input on `host` (its `server`), replying on `response`. */
export function serveOn(host: LoopbackHost, handler: ServiceHandler, init?: ServeInit): ServiceServer {
  return serve(host, "request", "response", handler, init);
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

/** A UUID v7 as text (what `request_id` holds). */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Fake clock and timeouts, real setImmediate: loopback messages keep arriving a turn later. */
export const FAKE_TIMERS = { toFake: ["setTimeout", "clearTimeout", "Date"] } as const;
