import { ChannelLostError, DEFAULT_QUEUE_SIZE, FrameDecodeError, type SubscribeOptions, type Subscription, abortErrorFrom } from "@rivulet/core";
import type { Hello } from "@rivulet/transport-unix";
import zmq, { type Dealer } from "zeromq";
import { ZeromqHandshake } from "./zeromq-handshake.js";
import { ReceiveLoop, ZEROMQ_IDLE_RECEIVE_MS } from "./receive-loop.js";
import type { ZeromqConnection } from "./zeromq-connection.js";
import { ZmqKind, countPart, kindOf, kindPart } from "./zeromq-kinds.js";
import { ZEROMQ_PROBE_INTERVAL_MS } from "./zeromq-publisher.js";
import type { ZeromqTransportTuning } from "./zeromq-transport.js";

/** A subscriber acknowledges what it read (RECEIVED) at least every this many DATA messages... */
const ACK_EVERY_FRAMES = 256;
/** ...or this many bytes, and at most ZEROMQ_IDLE_ACK_MS after any DATA message. */
const ACK_EVERY_BYTES = 256 * 1024;
/**
 * How long after a DATA message a subscriber acknowledges what it read, when no threshold came
 * first: an acknowledgement per message would wake the publisher's process for each (a cost in
 * latency of a ping-pong), while a publisher waits for acknowledgements only past
 * PUBLISHER_WATERMARK_BYTES in flight (and keeps its process alive while any are missing).
 */
export const ZEROMQ_IDLE_ACK_MS = 2;
/** How long a BYE may take to leave after the subscription's close. */
const DEALER_LINGER_MS = 1_000;

/**
 * Subscribes to a ZeroMQ publisher: a DEALER connects to the channel's endpoint (ZeroMQ retries
 * by itself, with jittered and capped backoff, while nobody listens), says HELLO and resolves on
 * WELCOME. DATA messages go to `onFrame`, in order; END or a lost publisher settle `closed` once,
 * after every frame before them (`onStatus` says `connected`, then `ended` or `lost`).
 *
 * The publisher is lost when ZeroMQ drops the connection (at once when its process dies, after
 * `heartbeatTimeoutMs` of silence when its machine or the network does): a PING every
 * `probeIntervalMs` then cannot be queued, and once the messages already read are delivered,
 * `closed` resolves to a ChannelLostError (`crashed`). A message that is not the protocol
 * resolves it to one with reason `corrupt`, naming the channel.
 *
 * `pause()` is exact: no message is read while paused, and the frames of the one a pending read
 * returns (or of the one being delivered) are held until `resume()`.
 */
export class ZeromqSubscription implements Subscription {
  readonly closed: Promise<Error | undefined>;
  #settle: (error: Error | undefined) => void = () => {};
  #closed = false;
  #ended = false;
  #paused = false;
  /** Frames of a message not delivered yet because of a pause, delivered first on resume. */
  #held: Buffer[] = [];
  /** The whole DATA message `#held` belongs to, until its last frame is delivered. */
  #heldMessage: Buffer[] | undefined;
  /** The channel's end (or loss), when it came while a frame was held. */
  #heldClose: (() => void) | undefined;
  /** The publisher's connection dropped; reported once what was read before is delivered. */
  #disconnected = false;
  #unackedFrames = 0;
  #unackedBytes = 0;
  #idleAck: NodeJS.Timeout | undefined;
  #ungranted = 0;
  readonly #creditBatch: number;
  readonly #loop: ReceiveLoop;
  readonly #probe: NodeJS.Timeout;

  private constructor(
    private readonly socket: Dealer,
    private readonly channel: string,
    private readonly endpoint: string,
    private readonly options: SubscribeOptions,
    probeIntervalMs: number,
  ) {
    const credits = creditsOf(options);
    this.#creditBatch = credits === undefined ? 0 : Math.max(1, Math.ceil(credits / 2));
    this.closed = new Promise((resolve) => (this.#settle = resolve));
    this.#loop = new ReceiveLoop(socket, {
      onMessage: (parts) => this.#onMessage(parts),
      // Once subscribed, an idle input must not keep the process alive (the SDK decides that).
      keepAlive: () => false,
      paused: () => this.#paused,
      onIdle: () => this.#checkDisconnected(),
      onError: (error) => this.#lost("crashed", `connection to channel '${channel}' at ${endpoint} failed`, error),
    });
    this.#probe = setInterval(() => {
      // A DEALER with `immediate` has no queue without a connection: EAGAIN means it dropped.
      this.socket.send(kindPart(ZmqKind.PING)).catch(() => {
        this.#disconnected = true;
        this.#checkDisconnected();
      });
    }, probeIntervalMs);
    this.#probe.unref();
  }

  /**
   * Subscribes; resolves once the publisher WELCOMEd the subscriber.
   * @throws TransportConnectError when the publisher refused the subscriber (`refused`), ended
   *   before accepting it (`closed`), or answered with a message that is not the protocol (`corrupt`).
   * @throws AbortError when `options.signal` fires first.
   */
  static async connect(channel: string, connection: ZeromqConnection, options: SubscribeOptions, tuning: ZeromqTransportTuning = {}): Promise<ZeromqSubscription> {
    const { signal } = options;
    if (signal?.aborted) throw abortErrorFrom(signal);
    const socket = new zmq.Dealer({
      // Messages are queued only on a connection that is up: a HELLO waits for the publisher,
      // and a PING that cannot be queued tells that the connection dropped.
      immediate: true,
      sendHighWaterMark: 0,
      receiveHighWaterMark: 0,
      sendTimeout: 0,
      receiveTimeout: ZEROMQ_IDLE_RECEIVE_MS,
      linger: DEALER_LINGER_MS,
      reconnectInterval: 5,
      reconnectMaxInterval: 250,
      heartbeatInterval: connection.heartbeatIntervalMs,
      heartbeatTimeout: connection.heartbeatTimeoutMs,
      ipv6: connection.endpoint.includes("["),
    });
    socket.connect(connection.endpoint);
    const credits = creditsOf(options);
    const hello: Hello = { subscriberId: options.subscriberId, secret: connection.secret, flowControl: options.flowControl, queueSize: options.queueSize ?? DEFAULT_QUEUE_SIZE, ...(credits === undefined ? {} : { credits }) };
    try {
      await new ZeromqHandshake(socket, channel, connection.endpoint, Buffer.from(JSON.stringify(hello)), signal).run();
    } catch (error) {
      socket.close();
      throw error;
    }
    const subscription = new ZeromqSubscription(socket, channel, connection.endpoint, options, tuning.probeIntervalMs ?? ZEROMQ_PROBE_INTERVAL_MS);
    options.onStatus?.("connected");
    subscription.#loop.start();
    return subscription;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    // Delivered on a microtask, not inside resume(): the caller may be in the middle of taking
    // an item from its own queue (the SDK resumes from its queue's shift).
    queueMicrotask(() => {
      if (this.#paused || this.#closed) return;
      this.#deliver(this.#held);
      if (this.#paused) return;
      const close = this.#heldClose;
      this.#heldClose = undefined;
      if (close) close();
      else {
        this.#checkDisconnected();
        this.#loop.start();
      }
    });
  }

  /** Returns credits for frames the consumer took, in batches of half the window (see UnixSubscription.consumed). */
  consumed(count: number): void {
    if (this.#creditBatch === 0 || this.#ended) return;
    this.#ungranted += count;
    if (this.#ungranted < this.#creditBatch) return;
    this.#tell([kindPart(ZmqKind.CREDIT), countPart(this.#ungranted)]);
    this.#ungranted = 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#ended) this.#tell(kindPart(ZmqKind.BYE));
    this.#ended = true;
    this.#held = [];
    this.#heldMessage = undefined;
    this.#shut();
  }

  #onMessage([head, ...bodies]: Buffer[]): void {
    const kind = kindOf(head);
    if (kind === ZmqKind.DATA && bodies.length > 0) {
      this.#heldMessage = bodies;
      this.#deliver(bodies);
      return;
    }
    if (bodies.length > 0) return this.#corrupt(kind);
    if (kind === ZmqKind.END) {
      // Everything before END was read: the publisher may close.
      this.#acknowledge();
      this.#tell(kindPart(ZmqKind.BYE));
      this.#finish("end");
    } else if (kind === ZmqKind.GONE) this.#lost("crashed", `the publisher of channel '${this.channel}' at ${this.endpoint} no longer knows this subscriber (it dropped the connection or restarted); frames may have been lost`);
    else if (kind !== ZmqKind.PROBE) this.#corrupt(kind);
  }

  /**
   * Hands `frames` to the consumer in order; those left when it pauses are held for `resume`.
   * The message they belong to counts as read (and is acknowledged) only once all of them are
   * delivered: a receive already pending when `pause()` came must not let the publisher send more.
   */
  #deliver(frames: Buffer[]): void {
    let i = 0;
    while (i < frames.length && !this.#paused) this.options.onFrame(frames[i++]!);
    this.#held = i === 0 ? frames : frames.slice(i);
    const message = this.#heldMessage;
    if (this.#held.length > 0 || !message) return;
    this.#heldMessage = undefined;
    this.#read(message);
  }

  /** Counts one delivered DATA message (one or more frames, a burst: acknowledged as one). */
  #read(bodies: Buffer[]): void {
    this.#unackedFrames++;
    for (const body of bodies) this.#unackedBytes += body.byteLength;
    if (this.#unackedFrames >= ACK_EVERY_FRAMES || this.#unackedBytes >= ACK_EVERY_BYTES) this.#acknowledge();
    else if (!this.#idleAck) {
      // Armed whatever else is waiting to be read (a PROBE is no DATA, and acknowledges nothing):
      // a publisher holds its process alive while its messages are unacknowledged.
      this.#idleAck = setTimeout(() => this.#acknowledge(), ZEROMQ_IDLE_ACK_MS);
      this.#idleAck.unref();
    }
  }

  #corrupt(kind: number | undefined): void {
    const what = kind === undefined ? "a message that is not the protocol" : `a message of unexpected kind ${kind}`;
    this.#lost("corrupt", `corrupt data on channel '${this.channel}' at ${this.endpoint}: ${what}`, new FrameDecodeError(`unexpected ZeroMQ message on channel '${this.channel}': ${what}`));
  }

  /** Reports the dropped connection once nothing read before it waits to be delivered. */
  #checkDisconnected(): void {
    if (!this.#disconnected || this.#ended || this.#paused || this.#held.length > 0 || this.socket.readable) return;
    this.#lost("crashed", `channel '${this.channel}' at ${this.endpoint} lost its publisher without an end marker (it stopped abruptly, or the network dropped)`);
  }

  #acknowledge(): void {
    clearTimeout(this.#idleAck);
    this.#idleAck = undefined;
    if (this.#unackedFrames === 0 || this.#ended) return;
    this.#tell([kindPart(ZmqKind.RECEIVED), countPart(this.#unackedFrames)]);
    this.#unackedFrames = 0;
    this.#unackedBytes = 0;
  }

  /** Sends a message to the publisher; one that cannot be queued means the connection dropped (the probe reports it). */
  #tell(message: Buffer | Buffer[]): void {
    if (this.socket.closed) return;
    this.socket.send(message).catch(() => (this.#disconnected = true));
  }

  #lost(reason: ChannelLostError["reason"], message: string, cause?: unknown): void {
    this.#finish("lost", new ChannelLostError(message, this.channel, reason, { cause }));
  }

  /** Reports the end once, after a frame still held by a pause; the socket goes at once. */
  #finish(reason: "end" | "lost", error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#shut();
    const report = (): void => {
      this.options.onStatus?.(reason === "end" ? "ended" : "lost", error);
      this.#settle(error);
    };
    if (this.#paused) this.#heldClose = report;
    else report();
  }

  #shut(): void {
    clearInterval(this.#probe);
    clearTimeout(this.#idleAck);
    this.#loop.stop();
    this.socket.close();
  }
}

/** The credits a subscription grants in its HELLO: its queue_size, when the caller reports what it consumes. */
function creditsOf(options: SubscribeOptions): number | undefined {
  return options.flowControl && options.grantsCredits ? (options.queueSize ?? DEFAULT_QUEUE_SIZE) : undefined;
}
