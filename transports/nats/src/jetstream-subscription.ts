import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Consumer, ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import { type Msg, type Subscription as NatsSub, createInbox } from "@nats-io/transport-node";
import { ChannelLostError, DEFAULT_QUEUE_SIZE, FrameDecodeError, SequencedInbox, type SubscribeOptions, type Subscription, TransportConnectError } from "@rivulet/core";
import { NatsConnectionClosedError } from "./nats-errors.js";
import { HelloCall, decodeHelloReply, encodeJson } from "./nats-hello.js";
import type { NatsLink } from "./nats-link.js";
import type { ChannelSubjects } from "./nats-subjects.js";
import { HeartbeatWatch } from "./nats-heartbeat-watch.js";
import { ChunkAssembler, NatsKind, type NatsMessage, decodeMessage } from "./nats-wire.js";
import { durableName } from "./jetstream-plan.js";
import type { JetStreamChannel } from "./jetstream-stream.js";

/**
 * About the bytes one pull asks for. A pull asks for a number of messages (nats.js cannot bound
 * both): this many bytes over the size of the messages the last pull brought, between 1 and
 * FETCH_MAX_MESSAGES.
 */
const FETCH_BYTES = 4 * 1024 * 1024;
const FETCH_MAX_MESSAGES = 1024;
const FETCH_FIRST_MESSAGES = 64;
/** How long one pull stays open waiting for messages (the server's minimum is 1 s). */
const FETCH_EXPIRES_MS = 5_000;
const RETRY_FIRST_MS = 5;
const RETRY_CAP_MS = 250;

/** What a JetStreamSubscription is given besides the SubscribeOptions. */
export interface JetStreamSubscriptionInit {
  channel: string;
  subjects: ChannelSubjects;
  /** The channel's stream, already made sure of. */
  stream: JetStreamChannel;
  /** The transport's heartbeat interval, used when the publisher is known from its frames before it answered. */
  heartbeatMs: number;
}

/**
 * The receiving side of one channel in JetStream mode: a pull consumer on the channel's stream,
 * durable and named after the subscriber's id (jetstream-plan.ts), so that a node restarted in
 * the same run (a new subscription with the same id) gets every frame its last instance did not
 * acknowledge: at-least-once, with duplicates possible for the frames delivered but not yet
 * acknowledged when it died.
 *
 * The consumer is created by the subscriber's first subscription in the run and delivers what
 * is published from then on (deliver policy `new`), as a core NATS subscription does: frames
 * sent before a node first subscribed are not its frames. From then on the stream keeps them for
 * it, across its restarts.
 *
 * Acknowledgement: the consumer's ack policy is `all`; after a frame is handed to `onFrame`, the
 * last message of that frame is acknowledged (once per turn of the event loop, covering every
 * frame delivered or dropped before it). A CHUNK of a frame not delivered yet is never
 * acknowledged, so a restart starts at a frame's first chunk. Every (re)start of pulling, at
 * open and after a reconnect, starts the consumer over at its acknowledged floor
 * (JetStreamChannel.attach).
 *
 * Pause: the input's queue policy still holds (drop_oldest): the subscription keeps pulling and
 * SequencedInbox holds the first 64 KiB and the newest `queue_size` frames, dropping and
 * counting the ones between, as in core mode. `drops` counts those and gaps in the publisher's
 * numbering (a publish the server never stored).
 *
 * `open` resolves once the publisher answered a hello, or a frame of it came from the stream
 * (it was there before: the frames it left are delivered even if it is gone). END ends the
 * channel after the last frame; then the consumer, and the stream if no consumer is left, are
 * deleted. Heartbeats (core NATS) that stop for NATS_MISSED_HEARTBEATS intervals end the channel
 * as lost, once everything the stream holds for this consumer was delivered.
 */
export class JetStreamSubscription implements Subscription {
  readonly closed: Promise<Error | undefined>;
  #settle: (error: Error | undefined) => void = () => {};
  readonly #token = randomBytes(8).toString("hex");
  readonly #durable: string;
  readonly #inbox: SequencedInbox;
  readonly #assembler = new ChunkAssembler();
  /** Messages pulled before `open` resolved, in order. */
  readonly #parked: JsMsg[] = [];
  /** The last message of each frame given to the inbox, acknowledged once the frame is handed over. */
  readonly #lastOf = new WeakMap<Uint8Array, JsMsg>();
  #ready = false;
  #closedLocally = false;
  #epoch: number | undefined;
  #heartbeatMs: number;
  #accepted = false;
  readonly #hello = new HelloCall();
  #consumer: Consumer | undefined;
  #batch: ConsumerMessages | undefined;
  #reattach = false;
  #pulling: Promise<void> | undefined;
  #pullSize = FETCH_FIRST_MESSAGES;
  #toAck: JsMsg | undefined;
  #ackTimer: NodeJS.Immediate | undefined;
  #lastStreamSeq = 0;
  #checking = false;
  #watch: HeartbeatWatch | undefined;
  #cleanup: Promise<void> | undefined;
  #beatSub: NatsSub | undefined;
  #inboxSub: NatsSub | undefined;
  readonly #replies = createInbox();
  #unlisten: () => void = () => {};

  private constructor(
    private readonly link: NatsLink,
    private readonly init: JetStreamSubscriptionInit,
    private readonly options: SubscribeOptions,
  ) {
    this.#durable = durableName(options.subscriberId);
    this.#heartbeatMs = init.heartbeatMs;
    this.#inbox = new SequencedInbox(options.queueSize ?? DEFAULT_QUEUE_SIZE, (frame) => this.#handOver(frame), (error) => this.#report(error));
    this.closed = new Promise((resolve) => (this.#settle = resolve));
  }

  /**
   * Attaches the durable consumer, starts pulling, and resolves once the publisher is known
   * (hello answered, or a frame pulled), retrying the hello with capped backoff meanwhile.
   * @throws AbortError when `options.signal` fires first.
   * @throws JetStreamNotEnabledError when the server has JetStream off.
   * @throws TransportConnectError (`unreachable`) when the connection closes for good first.
   */
  static async open(link: NatsLink, init: JetStreamSubscriptionInit, options: SubscribeOptions): Promise<JetStreamSubscription> {
    const subscription = new JetStreamSubscription(link, init, options);
    return link.opening(subscription, subscription.#handshake());
  }

  async #handshake(): Promise<void> {
    const { nc } = this.link;
    const { signal } = this.options;
    this.#consumer = await this.init.stream.attach(this.#durable);
    this.#unlisten = this.link.listen({
      disconnected: () => {
        if (this.#ready && !this.#inbox.ended) this.options.onStatus?.("reconnecting");
      },
      reconnected: () => {
        this.#watch?.beat();
        // Messages lost in the broken connection were delivered but never acknowledged: start over at the floor.
        this.#reattach = true;
        this.#batch?.stop();
        if (this.#ready && !this.#inbox.ended) this.options.onStatus?.("connected");
      },
      closed: (error) => {
        if (this.#ready) this.#finish(new NatsConnectionClosedError(this.init.channel, { cause: error }));
        else this.#hello.fail(new TransportConnectError(`cannot subscribe to channel '${this.init.channel}': the NATS connection closed`, this.init.channel, "unreachable", { cause: error }));
      },
    });
    this.#beatSub = nc.subscribe(this.init.stream.plan.beat, { callback: (error, msg) => void (error === null && this.#onBeat(msg)) });
    this.#inboxSub = nc.subscribe(this.#replies, { callback: (error, msg) => void (error === null && this.#onReply(msg)) });
    await nc.flush();
    this.#pulling = this.#pull();
    const hello = encodeJson({ t: "hello", id: this.options.subscriberId, token: this.#token });
    await this.#hello.run(this.link, this.init.subjects.hello, hello, this.#replies, () => this.#accepted, signal);
    this.#ready = true;
    this.#watch = new HeartbeatWatch(this.#heartbeatMs, (silence) => this.#onSilent(silence));
    this.options.onStatus?.("connected");
    this.#drainParked();
  }

  #accept(heartbeatMs: number | undefined): void {
    if (this.#accepted) return;
    this.#accepted = true;
    if (heartbeatMs !== undefined) this.#heartbeatMs = heartbeatMs;
    this.#hello.answered();
  }

  #onReply(msg: Msg): void {
    // No responders (status 503): the publisher is not up yet.
    if (msg.headers?.code === 503 || this.#accepted) return this.#hello.noResponders();
    const reply = decodeHelloReply(msg.data);
    if (reply) this.#accept(reply.heartbeatMs);
  }

  #onBeat(msg: Msg): void {
    try {
      if (decodeMessage(msg.data).kind === NatsKind.HEARTBEAT) this.#watch?.beat();
    } catch {
      // Not a heartbeat of this protocol (anyone may publish on a subject): ignored.
    }
  }

  /** Pulls batches from the consumer until the channel ends or this side closes. */
  async #pull(): Promise<void> {
    for (let failures = 0; !this.#closedLocally && !this.#inbox.ended; ) {
      try {
        if (this.#reattach) {
          this.#reattach = false;
          this.#flushAck();
          this.#assembler.reset();
          this.#consumer = await this.init.stream.attach(this.#durable);
        }
        this.#batch = await this.#consumer!.fetch({ max_messages: this.#pullSize, expires: FETCH_EXPIRES_MS });
        // Closed or reconnected while the pull was being made: its stop() came too early.
        if (this.#closedLocally || this.#inbox.ended || this.#reattach) this.#batch.stop();
        let count = 0;
        let bytes = 0;
        for await (const msg of this.#batch) {
          count++;
          bytes += msg.data.byteLength;
          this.#onMessage(msg);
        }
        if (count > 0) this.#pullSize = Math.max(1, Math.min(FETCH_MAX_MESSAGES, Math.floor(FETCH_BYTES / Math.max(1, bytes / count))));
        failures = 0;
      } catch {
        // The connection broke or the consumer went away: wait, start over at the acknowledged floor.
        if (this.#closedLocally) return;
        this.#reattach = true;
        await sleep(Math.min(RETRY_CAP_MS * 4, RETRY_FIRST_MS * 2 ** failures++));
      }
    }
  }

  #onMessage(msg: JsMsg): void {
    if (this.#closedLocally || this.#inbox.ended) return;
    if (!this.#accepted) this.#accept(undefined);
    if (!this.#ready) this.#parked.push(msg);
    else this.#take(msg);
  }

  #drainParked(): void {
    let msg: JsMsg | undefined;
    while (!this.#closedLocally && (msg = this.#parked.shift())) this.#take(msg);
  }

  #take(msg: JsMsg): void {
    if (this.#inbox.ended) return;
    let message: NatsMessage;
    try {
      message = decodeMessage(msg.data);
    } catch (error) {
      const cause = error instanceof FrameDecodeError ? error : new FrameDecodeError(String(error));
      return this.#finish(new ChannelLostError(`channel '${this.init.channel}': a JetStream message does not follow the protocol`, this.init.channel, "corrupt", { cause }));
    }
    this.#lastStreamSeq = msg.seq;
    // A frame stored by the publisher tells as much as a heartbeat while it keeps coming.
    this.#watch?.beat();
    if (message.epoch !== this.#epoch) {
      // The first frame here, or another publisher instance (its node restarted): numbering starts over.
      this.#epoch = message.epoch;
      this.#inbox.startAt(message.seq);
      this.#assembler.reset();
    }
    if (this.#inbox.isOld(message.seq)) return; // A redelivery of a frame already handed over.
    switch (message.kind) {
      case NatsKind.HEARTBEAT:
        return this.#inbox.skipTo(message.seq);
      case NatsKind.END:
        this.#toAck = msg;
        return this.#finish(undefined, message.seq);
      case NatsKind.DATA:
        return this.#deliver(message.seq, message.body.slice(), msg);
      case NatsKind.CHUNK: {
        const frame = this.#assembler.push(message);
        if (frame) this.#deliver(message.seq, frame, msg);
        return;
      }
    }
  }

  #deliver(seq: number, frame: Uint8Array, last: JsMsg): void {
    this.#lastOf.set(frame, last);
    this.#inbox.take(seq, frame);
  }

  /** The inbox hands `frame` to the node: from now on it may be acknowledged. */
  #handOver(frame: Uint8Array): void {
    this.options.onFrame(frame);
    this.#toAck = this.#lastOf.get(frame) ?? this.#toAck;
    this.#ackTimer ??= setImmediate(() => this.#flushAck());
  }

  /** Acknowledges the last message of the last frame handed over, and with it (ack policy `all`) every one before. */
  #flushAck(): void {
    if (this.#ackTimer) clearImmediate(this.#ackTimer);
    this.#ackTimer = undefined;
    this.#toAck?.ack();
    this.#toAck = undefined;
  }

  get drops(): number {
    return this.#inbox.drops;
  }

  pause(): void {
    this.#inbox.pause();
  }

  resume(): void {
    this.#inbox.resume();
  }

  #onSilent(silence: number): void {
    if (!this.link.connected || this.#inbox.ended || this.#checking) return;
    // The publisher is gone; what it stored is still to come if the consumer has more for us.
    this.#checking = true;
    void this.init.stream
      .info(this.#durable)
      .then((info) => {
        const delivered = info ? info.num_pending === 0 && info.delivered.stream_seq <= this.#lastStreamSeq : false;
        if (delivered && this.#watch?.silent) {
          this.#finish(new ChannelLostError(`channel '${this.init.channel}': the publisher sent no heartbeat for ${silence} ms`, this.init.channel, "crashed"));
        }
      })
      .catch(() => {
        // The server did not answer: asked again at the next tick.
      })
      .finally(() => (this.#checking = false));
  }

  /** The channel ended (`undefined`, after `sent` frames) or broke. */
  #finish(error: Error | undefined, sent?: number): void {
    this.#watch?.stop();
    this.#inbox.end(error, sent);
  }

  #report(error: Error | undefined): void {
    if (this.#closedLocally) return;
    this.#detach();
    if (!error) this.#cleanup = this.#removeConsumer();
    this.options.onStatus?.(error ? "lost" : "ended", error);
    this.#settle(error);
  }

  /** After END: acknowledges it, deletes this subscriber's consumer, and the stream if it was the last. */
  async #removeConsumer(): Promise<void> {
    const end = this.#toAck;
    this.#toAck = undefined;
    try {
      await this.link.hold(end?.ackAck() ?? Promise.resolve(true));
      await this.init.stream.removeConsumer(this.#durable);
      await this.init.stream.removeIfUnused();
    } catch {
      // The server is gone or refused: the consumer stays (see the README, "JetStream").
    }
  }

  #detach(): void {
    this.#watch?.stop();
    this.#unlisten();
    this.#beatSub?.unsubscribe();
    this.#inboxSub?.unsubscribe();
    this.#batch?.stop();
  }

  /**
   * Acknowledges what was handed over, stops pulling, and says bye. The consumer stays, so the
   * next subscription with this subscriber id resumes after what was acknowledged. Idempotent;
   * `closed` stays pending. After the channel ended, waits for its consumer's deletion.
   */
  async close(): Promise<void> {
    if (this.#closedLocally) return this.#cleanup;
    this.#closedLocally = true;
    if (!this.#cleanup) this.#flushAck();
    this.#inbox.close();
    this.#detach();
    this.#parked.length = 0;
    if (this.link.connected && !this.link.nc.isClosed()) {
      this.link.nc.publish(this.init.subjects.hello, encodeJson({ t: "bye", id: this.options.subscriberId, token: this.#token }));
      await this.link.hold(this.link.nc.flush()).catch(() => {
        // The connection broke: the bye is lost, and the publisher keeps counting this subscriber.
      });
    }
    await this.#pulling;
    await this.#cleanup;
  }
}
