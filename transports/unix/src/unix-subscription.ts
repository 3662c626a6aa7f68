import { type Socket, createConnection } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { ChannelLostError, DEFAULT_QUEUE_SIZE, FrameDecodeError, type FrameLease, type SubscribeOptions, type Subscription, TransportConnectError, abortErrorFrom } from "@rivulet/core";
import { WIRE_HEAD_BYTES, WireFrameReader, encodeWireHead, waitFor, writeWireHead } from "@rivulet/core/internal";
import type { Hello } from "./hello.js";
import type { UnixConnection } from "./unix-transport.js";
import { WireKind } from "./wire-kinds.js";

const encoder = new TextEncoder();
const RETRY_FIRST_MS = 2;
const RETRY_CAP_MS = 100;
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Connect errors that mean "no publisher listens yet" (or its accept backlog is full, EAGAIN
 * on a loaded machine): worth retrying.
 */
const NOT_LISTENING = new Set(["ENOENT", "ECONNREFUSED", "EAGAIN"]);

/** A frame to deliver, and the lease of the memory it lives in when that is not the subscriber's own. */
export interface WireDelivery {
  frame: Uint8Array;
  lease?: FrameLease;
}

/**
 * What a subscription does with the wire kinds of a transport built on this one (shared memory
 * sends slot references): `deliver` turns one wire frame of a kind other than DATA, END and ACK
 * into the frame to deliver. It throws (a FrameDecodeError) for a kind or body it does not
 * know; the subscription is then lost as corrupt.
 */
export interface WireExtension {
  /**
   * The connection is up (the publisher listens), before the HELLO: prepare what `deliver`
   * needs (map the publisher's memory). Throwing refuses the subscription (`unreachable`).
   */
  connected?(): void;
  deliver(kind: number, body: Uint8Array): WireDelivery;
}

/**
 * Subscribes to a Unix publisher: connects (retrying with capped exponential backoff and jitter
 * while the publisher is not listening yet), says HELLO with the channel's secret, and resolves
 * on the ACK. Data frames go to `onFrame`; END or a broken connection settle `closed` once,
 * after every frame before them (`onStatus` says `connected`, then `ended` or `lost`).
 *
 * `pause()` is exact: frames already read from the socket are held, not delivered, until
 * `resume()`; at most one read (64 KB of frames, or one frame larger than that) is held.
 */
export class UnixSubscription implements Subscription {
  #closed = false;
  #ended = false;
  readonly closed: Promise<Error | undefined>;
  #settle: (error: Error | undefined) => void = () => {};
  #paused = false;
  /** Frames read while paused, delivered first on resume. */
  #held: WireDelivery[] = [];
  #heldAt = 0;
  /** The channel's end (or loss) when it arrived while frames were held. */
  #heldClose: (() => void) | undefined;
  #releasing = false;
  /** Frames taken by the consumer whose credit has not been returned yet. */
  #ungranted = 0;
  /** Credits are returned once this many frames were taken (half the window, at least 1). */
  readonly #creditBatch: number;

  private constructor(
    private readonly socket: Socket,
    private readonly channel: string,
    private readonly options: SubscribeOptions,
    private readonly extension: WireExtension | undefined,
  ) {
    const credits = creditsOf(options);
    this.#creditBatch = credits === undefined ? 0 : Math.max(1, Math.ceil(credits / 2));
    this.closed = new Promise((resolve) => (this.#settle = resolve));
  }

  /**
   * Subscribes; resolves once the publisher accepted.
   * @throws TransportConnectError when the publisher refused the subscriber (`refused`),
   *   ended before accepting it (`closed`), sent bytes that are not the protocol (`corrupt`),
   *   or the socket failed for a reason other than "nobody listens yet" (`unreachable`).
   * @throws AbortError when `options.signal` fires first.
   */
  static async connect(channel: string, connection: UnixConnection, options: SubscribeOptions, extension?: WireExtension): Promise<UnixSubscription> {
    const { signal } = options;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortErrorFrom(signal);
      let subscription: UnixSubscription | undefined;
      try {
        subscription = await UnixSubscription.#attempt(channel, connection, options, extension);
      } catch (error) {
        // The abort wins over a failure that raced with it: the caller gave up on this
        // subscription, and the socket error is often the teardown of the abort itself.
        if (signal?.aborted) throw abortErrorFrom(signal);
        throw error;
      }
      if (subscription) {
        // Accepted in the same turn as the abort: the caller no longer wants it.
        if (signal?.aborted) {
          await subscription.close();
          throw abortErrorFrom(signal);
        }
        return subscription;
      }
      const backoff = Math.min(RETRY_CAP_MS, RETRY_FIRST_MS * 2 ** attempt);
      await sleep(backoff / 2 + Math.random() * (backoff / 2), undefined, { signal }).catch(() => {
        throw abortErrorFrom(signal!);
      });
    }
  }

  /** One connection attempt: the subscription, or `undefined` when nobody listens yet (retry). */
  static #attempt(channel: string, connection: UnixConnection, options: SubscribeOptions, extension: WireExtension | undefined): Promise<UnixSubscription | undefined> {
    const { path } = connection;
    return waitFor<UnixSubscription | undefined>(
      (resolve, reject) => {
        let subscription: UnixSubscription | undefined;
        let connected = false;
        const refuse = (reason: TransportConnectError["reason"], what: string, cause?: unknown): void =>
          reject(new TransportConnectError(`cannot subscribe to channel '${channel}' at ${path}: ${what}`, channel, reason, { cause }));
        const reader: WireFrameReader = new WireFrameReader(
          (kind, body) => {
            if (subscription) return subscription.#onWire(kind, body);
            if (kind === WireKind.ACK) {
              // Once subscribed, an idle input must not keep the process alive (the SDK decides that).
              socket.unref();
              subscription = new UnixSubscription(socket, channel, options, extension);
              options.onStatus?.("connected");
              resolve(subscription);
            } else if (kind === WireKind.END) {
              refuse("closed", "the channel ended before accepting the subscription");
              socket.end();
            } else {
              throw new FrameDecodeError(`unexpected wire kind ${kind} before the subscription was accepted`);
            }
          },
          undefined,
          true,
        );
        // Reads go straight into one reusable buffer (no Readable-stream machinery per read);
        // the frame reader copies bodies out of it.
        const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
        const socket = createConnection({
          path,
          onread: {
            buffer: readBuffer,
            callback: (bytes: number) => {
              try {
                reader.push(readBuffer.subarray(0, bytes));
              } catch (error) {
                if (subscription) subscription.#lost("corrupt", `corrupt data on channel '${channel}'`, error);
                else refuse("corrupt", "the publisher sent bytes that are not the protocol", error);
                socket.destroy();
              }
              return true;
            },
          },
        });
        socket.on("connect", () => {
          connected = true;
          try {
            extension?.connected?.();
          } catch (error) {
            refuse("unreachable", (error as Error).message, error);
            socket.destroy();
            return;
          }
          const credits = creditsOf(options);
          const hello: Hello = { subscriberId: options.subscriberId, secret: connection.secret, flowControl: options.flowControl, queueSize: options.queueSize ?? DEFAULT_QUEUE_SIZE, ...(credits === undefined ? {} : { credits }) };
          const body = encoder.encode(JSON.stringify(hello));
          socket.write(encodeWireHead(WireKind.HELLO, body.byteLength));
          socket.write(body);
        });
        socket.on("error", (error: NodeJS.ErrnoException) => {
          if (subscription) subscription.#lost("crashed", `connection to channel '${channel}' failed`, error);
          // The retry decision: only "nobody listens on this path yet" is worth another attempt.
          else if (!connected && NOT_LISTENING.has(error.code ?? "")) resolve(undefined);
          else refuse("unreachable", error.message, error);
        });
        socket.on("close", () => {
          if (subscription) subscription.#lost("crashed", `channel '${channel}' closed without an end marker (its publisher stopped abruptly)`);
          // Closed after connecting, before any ACK: the publisher refused our HELLO.
          else if (connected) refuse("refused", "the publisher closed the connection (wrong secret, or a subscriber the plan does not list)");
        });
        return () => {
          if (!subscription) socket.destroy();
        };
      },
      { signal: options.signal },
    );
  }

  pause(): void {
    this.#paused = true;
    this.socket.pause();
  }

  resume(): void {
    this.#paused = false;
    if (this.#heldAt === this.#held.length && !this.#heldClose) {
      if (!this.socket.destroyed) this.socket.resume();
      return;
    }
    // Held frames are delivered on a microtask, not inside resume(): the caller may be in the
    // middle of taking an item from its own queue (the SDK resumes from its queue's shift), and
    // must not see that queue change under it.
    if (!this.#releasing) {
      this.#releasing = true;
      queueMicrotask(() => this.#release());
    }
  }

  /** Delivers the held frames (until paused again), then the held end, or reads on. */
  #release(): void {
    this.#releasing = false;
    if (this.#closed) return;
    while (!this.#paused && this.#heldAt < this.#held.length) {
      const held = this.#held[this.#heldAt]!;
      this.#held[this.#heldAt++] = undefined as unknown as WireDelivery;
      this.options.onFrame(held.frame, held.lease);
    }
    if (this.#paused) return;
    this.#held = [];
    this.#heldAt = 0;
    const close = this.#heldClose;
    this.#heldClose = undefined;
    if (close) close();
    else if (!this.socket.destroyed) this.socket.resume();
  }

  /**
   * Returns credits for frames the consumer took, in batches of half the window so the hot
   * path sends one small CREDIT frame per `queueSize / 2` frames. Never deadlocks: while fewer
   * than half are ungranted, the publisher still holds more than half of its credits.
   */
  consumed(count: number): void {
    if (this.#creditBatch === 0 || this.#ended) return;
    this.#ungranted += count;
    if (this.#ungranted < this.#creditBatch) return;
    const frame = Buffer.allocUnsafe(WIRE_HEAD_BYTES + 4);
    writeWireHead(frame, 0, WireKind.CREDIT, 4);
    frame.writeUInt32LE(this.#ungranted, WIRE_HEAD_BYTES);
    this.#ungranted = 0;
    if (!this.socket.destroyed) this.socket.write(frame);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#ended = true;
    // Frames held by a pause will never be delivered: their memory goes back now.
    for (let at = this.#heldAt; at < this.#held.length; at++) this.#held[at]!.lease?.release();
    this.#held = [];
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once("close", () => resolve());
      this.socket.destroy();
    });
  }

  /** A wire frame after the ACK. */
  #onWire(kind: number, body: Uint8Array): void {
    if (kind === WireKind.END) {
      this.#finish("end");
      this.socket.end();
      return;
    }
    if (kind !== WireKind.DATA && !this.extension) throw new FrameDecodeError(`unexpected wire kind ${kind} on an accepted subscription`);
    const held = this.#paused || this.#heldAt < this.#held.length;
    if (kind === WireKind.DATA) {
      if (held) this.#held.push({ frame: body });
      else this.options.onFrame(body);
      return;
    }
    const delivery = this.extension!.deliver(kind, body);
    if (held) this.#held.push(delivery);
    else this.options.onFrame(delivery.frame, delivery.lease);
  }

  #lost(reason: ChannelLostError["reason"], message: string, cause?: unknown): void {
    this.#finish("lost", new ChannelLostError(message, this.channel, reason, { cause }));
  }

  /** Reports the end once, after any frames still held by a pause. */
  #finish(reason: "end" | "lost", error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    const report = (): void => {
      this.options.onStatus?.(reason === "end" ? "ended" : "lost", error);
      this.#settle(error);
    };
    if (this.#paused || this.#heldAt < this.#held.length) this.#heldClose = report;
    else report();
  }
}

/** The credits a subscription grants in its HELLO: its queue_size, when the caller reports what it consumes. */
function creditsOf(options: SubscribeOptions): number | undefined {
  return options.flowControl && options.grantsCredits ? (options.queueSize ?? DEFAULT_QUEUE_SIZE) : undefined;
}
