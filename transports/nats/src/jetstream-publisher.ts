import { randomBytes } from "node:crypto";
import type { Subscription as NatsSub } from "@nats-io/transport-node";
import { ClosedError, PUBLISHER_WATERMARK_BYTES, type Publisher } from "@rivulet/core";
import { answerHellos } from "./nats-hello.js";
import type { NatsLink } from "./nats-link.js";
import type { ChannelSubjects } from "./nats-subjects.js";
import { NatsKind, controlMessage, frameMessages } from "./nats-wire.js";
import { type JetStreamChannel, jetStreamOf } from "./jetstream-stream.js";

/** Messages whose acknowledgement may be awaited at once, whatever their size (each is a pending request with a timer). */
const MAX_IN_FLIGHT = 1024;
/** How long one publish waits for the server's acknowledgement before it counts as unacknowledged. */
const PUBLISH_ACK_TIMEOUT_MS = 10_000;

/** What a JetStreamPublisher is given. */
export interface JetStreamPublisherInit {
  channel: string;
  subjects: ChannelSubjects;
  heartbeatMs: number;
  /** The channel's stream, already made sure of. */
  stream: JetStreamChannel;
}

/**
 * The sending side of one channel in JetStream mode. Frames are the core path's messages
 * (nats-wire.ts, chunked above max_payload) published into the channel's stream, each
 * acknowledged by the server once stored. Acknowledgements are pipelined: `send` returns at once
 * until PUBLISHER_WATERMARK_BYTES (or MAX_IN_FLIGHT messages) await theirs, then returns a
 * promise that resolves when they fall below it again: backpressure from the server's storage,
 * never from subscribers, which read from the stream at their own pace.
 *
 * END goes into the stream
 * too, after every frame was acknowledged; heartbeats go on core NATS (`plan.beat`). A publish
 * the server did not acknowledge in time (a broker outage) is counted in `unacknowledged`; if it
 * was not stored, subscribers count its number as a gap.
 */
export class JetStreamPublisher implements Publisher {
  /** Always 0: subscribers count their drops (drop_oldest while paused, gaps), as in core mode. */
  readonly drops = 0;
  readonly epoch = randomBytes(4).readUInt32BE(0);
  #seq = 0;
  #inFlightBytes = 0;
  #inFlight = 0;
  #unacknowledged = 0;
  #waiters: { ready: () => boolean; resolve: () => void }[] = [];
  readonly #subscribers = new Set<string>();
  #closing: Promise<void> | undefined;
  readonly #helloSub: NatsSub;
  readonly #heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly link: NatsLink,
    private readonly init: JetStreamPublisherInit,
  ) {
    this.#helloSub = answerHellos(link.nc, init.subjects.hello, this.#subscribers, () => ({ epoch: this.epoch, seq: this.#seq, heartbeatMs: init.heartbeatMs }));
    this.#heartbeat = setInterval(() => {
      if (link.connected) link.nc.publish(init.stream.plan.beat, controlMessage(NatsKind.HEARTBEAT, this.epoch, this.#seq));
    }, init.heartbeatMs);
    // The connection keeps a node alive while it has work; a heartbeat alone should not.
    this.#heartbeat.unref();
  }

  /** Starts answering hellos; resolves once the server registered their subscription. */
  static async open(link: NatsLink, init: JetStreamPublisherInit): Promise<JetStreamPublisher> {
    const publisher = new JetStreamPublisher(link, init);
    await link.hold(link.nc.flush());
    return publisher;
  }

  /** Bytes published and not acknowledged by the server yet. */
  get bufferedBytes(): number {
    return this.#inFlightBytes;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** Messages the server did not acknowledge in time (stored or not: a subscriber counts a missing one as a gap). */
  get unacknowledged(): number {
    return this.#unacknowledged;
  }

  send(chunks: readonly Uint8Array[]): Promise<void> | undefined {
    if (this.#closing) throw new ClosedError(`the publisher of channel '${this.init.channel}' is closed`);
    const seq = this.#seq++;
    let total = 0;
    for (const chunk of chunks) total += chunk.byteLength;
    for (const message of frameMessages(chunks, total, this.epoch, seq, this.link.maxPayload)) this.#publish(message);
    return this.#full() ? this.#until(() => !this.#full()) : undefined;
  }

  #full(): boolean {
    return this.#inFlightBytes >= PUBLISHER_WATERMARK_BYTES || this.#inFlight >= MAX_IN_FLIGHT;
  }

  #publish(message: Uint8Array): void {
    this.#inFlightBytes += message.byteLength;
    this.#inFlight++;
    void this.link
      .hold(jetStreamOf(this.link).js.publish(this.init.subjects.data, message, { timeout: PUBLISH_ACK_TIMEOUT_MS }))
      .then(
        () => {},
        () => void this.#unacknowledged++,
      )
      .finally(() => {
        this.#inFlightBytes -= message.byteLength;
        this.#inFlight--;
        this.#wake();
      });
  }

  /** Resolves once `ready()` holds (checked after each acknowledgement). */
  #until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ ready, resolve }));
  }

  #wake(): void {
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.ready()) return true;
      waiter.resolve();
      return false;
    });
  }

  /**
   * Waits for every acknowledgement, publishes END (acknowledged too), then deletes the stream
   * if no consumer is left (every subscriber saw the end already, or none came). Idempotent. A waiting `send` resolves
   * once its frames are acknowledged, as before.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#helloSub.unsubscribe();
      // Heartbeats go on while acknowledgements are awaited (up to PUBLISH_ACK_TIMEOUT_MS after a broker restart).
      await this.#until(() => this.#inFlight === 0);
      try {
        await this.link.hold(jetStreamOf(this.link).js.publish(this.init.subjects.data, controlMessage(NatsKind.END, this.epoch, this.#seq), { timeout: PUBLISH_ACK_TIMEOUT_MS }));
      } catch {
        // Not stored (the connection broke): subscribers learn the end from missed heartbeats.
        this.#unacknowledged++;
        return;
      } finally {
        clearInterval(this.#heartbeat);
      }
      await this.init.stream.removeIfUnused();
    })();
    return this.#closing;
  }
}
