import { randomBytes } from "node:crypto";
import type { Subscription as NatsSub } from "@nats-io/transport-node";
import { ClosedError, PUBLISHER_WATERMARK_BYTES, type Publisher } from "@rivulet/core";
import { answerHellos } from "./nats-hello.js";
import type { NatsLink } from "./nats-link.js";
import type { ChannelSubjects } from "./nats-subjects.js";
import { FrameBatch, NATS_BATCH_BYTES } from "./nats-batch.js";
import { BatchBuffers } from "./nats-batch-buffers.js";
import { NatsKind, controlMessage, frameMessages } from "./nats-wire.js";

/** What a NatsPublisher is given. */
export interface NatsPublisherInit {
  channel: string;
  subjects: ChannelSubjects;
  heartbeatMs: number;
}

/**
 * The sending side of one channel on NATS. Frames are published on the channel's data subject
 * (chunked above the server's max_payload, see nats-wire.ts) whoever listens: the broker has no
 * flow control, so `send` never waits for a subscriber. It waits for the server instead: once
 * more than PUBLISHER_WATERMARK_BYTES went out since the last flush, `send` returns the flush
 * (a PING/PONG round trip), which bounds what this process holds (`bufferedBytes`).
 *
 * While the connection is down (reconnecting), frames are not kept: they are discarded and
 * counted in `discarded`, and their sequence numbers skipped, so subscribers count them as
 * drops once they see the next frame or heartbeat. Subscribers are counted from their hello
 * and bye; one that dies without a bye stays counted (the broker does not tell).
 */
export class NatsPublisher implements Publisher {
  /** Always 0: frames are dropped by the subscribers that fall behind, which count them (`Subscription.drops`). */
  readonly drops = 0;
  readonly epoch = randomBytes(4).readUInt32BE(0);
  #seq = 0;
  #unflushed = 0;
  #flushing: Promise<void> | undefined;
  #discarded = 0;
  /** Frames sent in this tick after its first, published as one message on the next tick (see `send`). */
  readonly #batch: FrameBatch;
  /** The batch's buffers, free again once a flush proves nats.js wrote them. */
  readonly #buffers: BatchBuffers;
  /** A frame left at once in this tick: the tick's later frames are batched. */
  #inTick = false;
  readonly #subscribers = new Set<string>();
  #closing: Promise<void> | undefined;
  #ended: () => void = () => {};
  readonly #endedSignal = new Promise<void>((resolve) => (this.#ended = resolve));
  readonly #helloSub: NatsSub;
  readonly #heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly link: NatsLink,
    private readonly init: NatsPublisherInit,
  ) {
    const limit = Math.min(NATS_BATCH_BYTES, link.maxPayload);
    this.#batch = new FrameBatch(limit, (this.#buffers = new BatchBuffers(limit)));
    this.#helloSub = answerHellos(link.nc, init.subjects.hello, this.#subscribers, () => {
      // The reply names the next frame's number: the frames batched so far go before it.
      this.#publishBatch();
      return { epoch: this.epoch, seq: this.#seq, heartbeatMs: init.heartbeatMs };
    });
    this.#heartbeat = setInterval(() => {
      this.#publishBatch();
      if (link.connected) link.nc.publish(init.subjects.data, controlMessage(NatsKind.HEARTBEAT, this.epoch, this.#seq));
    }, init.heartbeatMs);
    // The connection keeps a node alive while it has work; a heartbeat alone should not.
    this.#heartbeat.unref();
  }

  /** Starts publishing; resolves once the server registered the hello subscription. */
  static async open(link: NatsLink, init: NatsPublisherInit): Promise<NatsPublisher> {
    const publisher = new NatsPublisher(link, init);
    await link.hold(link.nc.flush());
    return publisher;
  }

  get bufferedBytes(): number {
    return this.#unflushed;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** Frames discarded because the connection was down when they were sent. */
  get discarded(): number {
    return this.#discarded;
  }

  send(chunks: readonly Uint8Array[]): Promise<void> | undefined {
    if (this.#closing) throw new ClosedError(`the publisher of channel '${this.init.channel}' is closed`);
    const seq = this.#seq++;
    if (!this.link.connected) {
      this.#discarded++;
      return undefined;
    }
    let total = 0;
    for (const chunk of chunks) total += chunk.byteLength;
    if (this.#inTick && !this.#batch.accepts(seq, total)) this.#publishBatch(); // Full: a new batch starts.
    if (this.#inTick && this.#batch.accepts(seq, total)) {
      this.#batch.add(seq, chunks, total);
      this.#unflushed += total;
    } else {
      // The first frame of a tick leaves at once, so a lone send is not delayed; a frame too large to batch too.
      for (const message of frameMessages(chunks, total, this.epoch, seq, this.link.maxPayload)) {
        this.link.nc.publish(this.init.subjects.data, message);
        this.#unflushed += message.byteLength;
      }
      if (!this.#inTick) {
        this.#inTick = true;
        process.nextTick(() => {
          this.#inTick = false;
          this.#publishBatch();
        });
      }
    }
    return this.#unflushed >= PUBLISHER_WATERMARK_BYTES ? this.#flush() : undefined;
  }

  /**
   * Publishes the frames batched since the tick's first one, as one BATCH message. nats.js
   * writes what was published once the microtask queue drains, which an `await`ing send loop
   * never lets happen: without the batch each frame would cost a message and a write of its
   * own. Called before anything else is published (a heartbeat or END carries the count of
   * frames sent, a hello reply the next number; a frame too large to batch), so nothing
   * overtakes the frames batched.
   */
  #publishBatch(): void {
    if (this.#batch.count === 0) return;
    const { message, frames } = this.#batch.take(this.epoch);
    if (!this.link.connected) {
      this.#discarded += frames;
      return;
    }
    this.link.nc.publish(this.init.subjects.data, message);
  }

  /** Waits until the server has everything published so far, or the publisher closed. */
  #flush(): Promise<void> {
    this.#publishBatch();
    if (!this.#flushing) {
      const pending = this.#unflushed;
      const settle = this.#buffers.flushStarted();
      this.#flushing = this.link
        .hold(this.link.nc.flush())
        .then(
          () => settle(true),
          // Rejected when the connection broke: what was pending is gone, and subscribers count the gap.
          () => settle(false),
        )
        .then(() => {
          this.#unflushed = Math.max(0, this.#unflushed - pending);
          this.#flushing = undefined;
        });
    }
    return Promise.race([this.#flushing, this.#endedSignal]);
  }

  /** Publishes END after every frame, flushes, and stops answering hellos. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#heartbeat);
      this.#publishBatch();
      this.#ended();
      this.#helloSub.unsubscribe();
      if (!this.link.connected) return;
      this.link.nc.publish(this.init.subjects.data, controlMessage(NatsKind.END, this.epoch, this.#seq));
      await this.link.hold(this.link.nc.flush()).catch(() => {
        // The connection broke meanwhile: subscribers then learn the end from missed heartbeats.
      });
      this.#unflushed = 0;
    })();
    return this.#closing;
  }
}
