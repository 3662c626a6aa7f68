import { setTimeout as sleep } from "node:timers/promises";
import type { NatsConnection, Subscription as NatsSub } from "@nats-io/transport-node";
import { abortErrorFrom } from "@rivulet/core";
import { waitFor } from "@rivulet/core/internal";

/** How long one hello waits for its reply before it is sent again. */
const HELLO_ATTEMPT_MS = 1_000;
const RETRY_FIRST_MS = 5;
const RETRY_CAP_MS = 250;

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

/**
 * The subscriber's half of the handshake: says hello on a subject, with a reply inbox, until
 * the publisher answers, retrying with capped, jittered backoff while nobody does. The
 * subscription feeds it what its inbox gets (`answered`, `noResponders`) and a connection that
 * closed for good (`fail`).
 */
export class HelloCall {
  #wake: ((outcome: "accepted" | "retry") => void) | undefined;
  #fail: ((error: unknown) => void) | undefined;

  /** The publisher answered: `run` returns. */
  answered(): void {
    this.#wake?.("accepted");
  }

  /** Nobody answered (status 503), or an answer came after one was taken: the hello goes again after the backoff. */
  noResponders(): void {
    this.#wake?.("retry");
  }

  /** The connection closed for good before an answer: `run` throws `error`. */
  fail(error: unknown): void {
    this.#fail?.(error);
  }

  /**
   * Publishes `hello` on `subject` (while `link` is connected) with `replies` as its reply
   * subject until `answered()`, or `isAnswered()` says so.
   * @throws AbortError when `signal` fires first; what `fail()` was given.
   */
  async run(link: { nc: NatsConnection; connected: boolean }, subject: string, hello: Uint8Array, replies: string, isAnswered: () => boolean, signal?: AbortSignal): Promise<void> {
    for (let attempt = 0; !isAnswered(); attempt++) {
      if (signal?.aborted) throw abortErrorFrom(signal);
      const outcome = await waitFor<"accepted" | "retry">(
        (resolve, reject) => {
          this.#wake = resolve;
          this.#fail = reject;
          if (link.connected) link.nc.publish(subject, hello, { reply: replies });
          return () => {
            this.#wake = undefined;
            this.#fail = undefined;
          };
        },
        { signal, timeout: { ms: HELLO_ATTEMPT_MS, value: "retry" } },
      );
      if (outcome === "accepted" || isAnswered()) return;
      const backoff = Math.min(RETRY_CAP_MS, RETRY_FIRST_MS * 2 ** attempt);
      await sleep(backoff / 2 + Math.random() * (backoff / 2), undefined, { signal }).catch(() => {
        throw abortErrorFrom(signal!);
      });
    }
  }
}
