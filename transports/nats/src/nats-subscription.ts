import { randomBytes } from "node:crypto";
import { type Msg, type Subscription as NatsSub, createInbox } from "@nats-io/transport-node";
import { ChannelLostError, DEFAULT_QUEUE_SIZE, FrameDecodeError, SequencedInbox, type SubscribeOptions, type Subscription, TransportConnectError } from "@rivulet/core";
import { NatsConnectionClosedError } from "./nats-errors.js";
import { HelloCall, type HelloReply, decodeHelloReply, encodeJson } from "./nats-hello.js";
import type { NatsLink } from "./nats-link.js";
import type { ChannelSubjects } from "./nats-subjects.js";
import { batchFrames } from "./nats-batch.js";
import { HeartbeatWatch } from "./nats-heartbeat-watch.js";
import { ChunkAssembler, NatsKind, type NatsMessage, decodeMessage, ownFrame } from "./nats-wire.js";

/**
 * The receiving side of one channel on NATS. `open` subscribes to the data subject, flushes
 * (the server has the subscription), then says hello on the hello subject until the publisher
 * answers: every frame the publisher sends after its answer is delivered, and the answer's
 * sequence number is where counting starts. A frame whose number skips ahead of the expected
 * one means frames were lost (a broker outage, a slow-consumer drop): they are counted in
 * `drops`, as are frames dropped while paused (SequencedInbox). Heartbeats that stop for
 * NATS_MISSED_HEARTBEATS intervals while this side is connected end the channel as lost.
 */
export class NatsSubscription implements Subscription {
  readonly closed: Promise<Error | undefined>;
  #settle: (error: Error | undefined) => void = () => {};
  readonly #token = randomBytes(8).toString("hex");
  readonly #inbox: SequencedInbox;
  readonly #assembler = new ChunkAssembler();
  #closedLocally = false;
  #accepted: HelloReply | undefined;
  #watch: HeartbeatWatch | undefined;
  readonly #hello = new HelloCall();
  #dataSub: NatsSub | undefined;
  #inboxSub: NatsSub | undefined;
  #replies = createInbox();
  #unlisten: () => void = () => {};

  private constructor(
    private readonly link: NatsLink,
    private readonly channel: string,
    private readonly subjects: ChannelSubjects,
    private readonly options: SubscribeOptions,
  ) {
    this.#inbox = new SequencedInbox(options.queueSize ?? DEFAULT_QUEUE_SIZE, (frame) => options.onFrame(frame), (error) => this.#report(error));
    this.closed = new Promise((resolve) => (this.#settle = resolve));
  }

  /**
   * Subscribes and resolves once the publisher answered the hello (retried with capped backoff
   * while nobody answers).
   * @throws AbortError when `options.signal` fires first.
   * @throws TransportConnectError (`unreachable`) when the connection closes for good first.
   */
  static async open(link: NatsLink, channel: string, subjects: ChannelSubjects, options: SubscribeOptions): Promise<NatsSubscription> {
    const subscription = new NatsSubscription(link, channel, subjects, options);
    return link.opening(subscription, subscription.#handshake());
  }

  async #handshake(): Promise<void> {
    const { nc } = this.link;
    const { signal } = this.options;
    this.#dataSub = nc.subscribe(this.subjects.data, { callback: (error, msg) => void (error === null && this.#onData(msg)) });
    this.#inboxSub = nc.subscribe(this.#replies, { callback: (error, msg) => void (error === null && this.#onReply(msg)) });
    this.#unlisten = this.link.listen({
      disconnected: () => this.#onDisconnected(),
      reconnected: () => this.#onReconnected(),
      closed: (error) => {
        if (this.#accepted) this.#finish(new NatsConnectionClosedError(this.channel, { cause: error }));
        else this.#hello.fail(new TransportConnectError(`cannot subscribe to channel '${this.channel}': the NATS connection closed`, this.channel, "unreachable", { cause: error }));
      },
    });
    await nc.flush();
    const hello = encodeJson({ t: "hello", id: this.options.subscriberId, token: this.#token });
    await this.#hello.run(this.link, this.subjects.hello, hello, this.#replies, () => this.#accepted !== undefined, signal);
  }

  /** Frames this subscriber lost: dropped while paused, or missing from the sequence (lost on the way). */
  get drops(): number {
    return this.#inbox.drops;
  }

  #onReply(msg: Msg): void {
    // No responders (status 503): the publisher is not up yet.
    if (msg.headers?.code === 503 || this.#accepted) return this.#hello.noResponders();
    const reply = decodeHelloReply(msg.data);
    if (!reply) return;
    this.#accepted = reply;
    this.#inbox.startAt(reply.seq);
    this.#watch = new HeartbeatWatch(reply.heartbeatMs, (silence) => this.#onSilent(silence));
    this.options.onStatus?.("connected");
    this.#hello.answered();
  }

  #onData(msg: Msg): void {
    if (!this.#accepted || this.#inbox.ended || this.#closedLocally) return; // Before the subscription, or after its end.
    let message: NatsMessage;
    try {
      message = decodeMessage(msg.data);
    } catch (error) {
      const cause = error instanceof FrameDecodeError ? error : new FrameDecodeError(String(error));
      return this.#finish(new ChannelLostError(`channel '${this.channel}': a NATS message does not follow the protocol`, this.channel, "corrupt", { cause }));
    }
    this.#watch?.beat();
    if (message.epoch !== this.#accepted.epoch) {
      // Another publisher instance (its node restarted): its numbering starts over.
      this.#accepted = { ...this.#accepted, epoch: message.epoch };
      this.#inbox.startAt(message.seq);
      this.#assembler.reset();
    }
    if (message.kind === NatsKind.BATCH) return this.#onBatch(message);
    if (this.#inbox.isOld(message.seq)) return; // Sent before this subscription, or a duplicate.
    switch (message.kind) {
      case NatsKind.HEARTBEAT:
        return this.#inbox.skipTo(message.seq);
      case NatsKind.END:
        return this.#finish(undefined, message.seq);
      case NatsKind.DATA:
        return this.#inbox.take(message.seq, ownFrame(message.body));
      case NatsKind.CHUNK: {
        const frame = this.#assembler.push(message);
        if (frame) this.#inbox.take(message.seq, frame);
        return;
      }
    }
  }

  /** Frames `message.seq`, `message.seq + 1`... of a BATCH message. */
  #onBatch(message: NatsMessage): void {
    let frames: Uint8Array[];
    try {
      frames = batchFrames(message.body);
    } catch (error) {
      return this.#finish(new ChannelLostError(`channel '${this.channel}': a NATS message does not follow the protocol`, this.channel, "corrupt", { cause: error }));
    }
    frames.forEach((frame, i) => {
      if (!this.#inbox.isOld(message.seq + i)) this.#inbox.take(message.seq + i, ownFrame(frame));
    });
  }

  pause(): void {
    this.#inbox.pause();
  }

  resume(): void {
    this.#inbox.resume();
  }

  #onSilent(silence: number): void {
    if (!this.link.connected || this.#inbox.ended) return;
    this.#finish(new ChannelLostError(`channel '${this.channel}': the publisher sent no heartbeat for ${silence} ms`, this.channel, "crashed"));
  }

  #onDisconnected(): void {
    this.#assembler.reset();
    if (this.#accepted && !this.#inbox.ended) this.options.onStatus?.("reconnecting");
  }

  #onReconnected(): void {
    this.#watch?.beat();
    if (this.#accepted && !this.#inbox.ended) this.options.onStatus?.("connected");
  }

  /** The channel ended (`undefined`, after `sent` frames when known) or broke: reported once the held frames are delivered. */
  #finish(error: Error | undefined, sent?: number): void {
    this.#watch?.stop();
    this.#inbox.end(error, sent);
  }

  #report(error: Error | undefined): void {
    if (this.#closedLocally) return;
    this.#detach();
    this.options.onStatus?.(error ? "lost" : "ended", error);
    this.#settle(error);
  }

  #detach(): void {
    this.#watch?.stop();
    this.#unlisten();
    this.#dataSub?.unsubscribe();
    this.#inboxSub?.unsubscribe();
  }

  /** Says bye to the publisher (so it counts one subscriber less) and stops delivering. Idempotent; `closed` stays pending. */
  async close(): Promise<void> {
    if (this.#closedLocally) return;
    this.#closedLocally = true;
    this.#inbox.close();
    this.#detach();
    if (this.link.connected && !this.link.nc.isClosed()) {
      this.link.nc.publish(this.subjects.hello, encodeJson({ t: "bye", id: this.options.subscriberId, token: this.#token }));
      await this.link.hold(this.link.nc.flush()).catch(() => {
        // The connection broke: the bye is lost, and the publisher keeps counting this subscriber.
      });
    }
  }
}
