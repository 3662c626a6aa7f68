import type { NatsConnection, Subscription as NatsSub } from "@nats-io/transport-node";

/** What a subscriber sends on a channel's hello subject (JSON). */
export type HelloRequest =
  /** Subscribing: answered with a HelloReply once the publisher counts it. */
  | { t: "hello"; id: string; token: string }
  /** Leaving: not answered. */
  | { t: "bye"; id: string; token: string };

/**
 * A publisher's answer to a hello (JSON): from now on every frame it sends reaches this
 * subscriber. `seq` is the number of the next frame, `epoch` the publisher instance's, and
 * `heartbeatMs` the interval of its heartbeats.
 */
export interface HelloReply {
  epoch: number;
  seq: number;
  heartbeatMs: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: HelloRequest | HelloReply): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** A hello request, or undefined for bytes that are not one (ignored: anyone may publish on a subject). */
export function decodeHelloRequest(bytes: Uint8Array): HelloRequest | undefined {
  try {
    const value = JSON.parse(decoder.decode(bytes)) as Partial<HelloRequest>;
    if ((value.t === "hello" || value.t === "bye") && typeof value.id === "string" && typeof value.token === "string") return value as HelloRequest;
  } catch {
    // Not JSON: not a hello, ignored as below.
  }
  return undefined;
}

/** A hello reply, or undefined for bytes that are not one. */
export function decodeHelloReply(bytes: Uint8Array): HelloReply | undefined {
  try {
    const value = JSON.parse(decoder.decode(bytes)) as Partial<HelloReply>;
    if (Number.isInteger(value.epoch) && Number.isInteger(value.seq) && Number.isInteger(value.heartbeatMs)) return value as HelloReply;
  } catch {
    // Not JSON: not a reply, ignored as below.
  }
  return undefined;
}

/**
 * Answers the hellos on `subject` with `reply()` and keeps `subscribers` (the tokens of those
 * that said hello and not bye yet): the publisher's half of the handshake. Requests that are not
 * hellos are ignored (anyone may publish on a subject). Unsubscribe the result to stop.
 */
export function answerHellos(nc: NatsConnection, subject: string, subscribers: Set<string>, reply: () => HelloReply): NatsSub {
  return nc.subscribe(subject, {
    callback: (error, msg) => {
      const request = error === null ? decodeHelloRequest(msg.data) : undefined;
      if (!request) return;
      if (request.t === "bye") subscribers.delete(request.token);
      else {
        subscribers.add(request.token);
        if (msg.reply) msg.respond(encodeJson(reply()));
      }
    },
  });
}
