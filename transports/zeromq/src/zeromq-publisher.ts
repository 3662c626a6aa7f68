import { chmodSync, rmSync } from "node:fs";
import { DEFAULT_SUBSCRIBER_STALL_MS, FanOutPublisher, type FanOutEntry, MAX_HELLO_BYTES, PUBLISHER_WATERMARK_BYTES, abortErrorFrom } from "@rivulet/core";
import { checkHello } from "@rivulet/transport-unix";
import zmq, { type Router } from "zeromq";
import { ReceiveLoop, ZEROMQ_IDLE_RECEIVE_MS } from "./receive-loop.js";
import type { ZeromqConnection } from "./zeromq-connection.js";
import { ZeromqBindError } from "./zeromq-errors.js";
import { ZmqKind, kindOf, kindPart, readCount } from "./zeromq-kinds.js";
import type { ZeromqTransportTuning } from "./zeromq-transport.js";

/** How often each end checks that its peers are still connected, when not tuned. */
export const ZEROMQ_PROBE_INTERVAL_MS = 500;
/** Bytes a DATA message counts for beyond its frame (routing id, kind, ZeroMQ's own). */
const MESSAGE_OVERHEAD_BYTES = 16;
/** How long the ROUTER's last messages (END to a late HELLO) may take to leave after close. */
const ROUTER_LINGER_MS = 100;
/** Most frames one DATA message carries (a tick's burst, see `write`)... */
const BATCH_FRAMES = 256;
/** ...and most bytes. */
const BATCH_BYTES = 256 * 1024;

/** One frame as a DATA message body: the chunks given to `send`, joined once for every subscriber. */
export interface ZeromqEntry extends FanOutEntry<ZeromqEntry> {
  body: Buffer;
}

/** A subscriber as the ROUTER knows it: by routing id, with the DATA messages it has not acknowledged. */
interface Peer {
  readonly id: Buffer;
  readonly key: string;
  /** Credits were granted in its HELLO: CREDIT messages are expected. */
  readonly credits: boolean;
  /** Sizes of the DATA messages sent and not acknowledged yet (RECEIVED), oldest at `ackedAt`. */
  inFlight: number[];
  ackedAt: number;
  inFlightBytes: number;
  /** Went over the watermark: `drained` is due when it is back under. */
  blocked: boolean;
  /** Frames written in this tick after its first, sent as one DATA message on the next tick (see `write`). */
  batch: Buffer[] | undefined;
  batchBytes: number;
  gone: boolean;
  /** Ends the `end()` wait: the subscriber said BYE after END, or went away. */
  ended?: () => void;
}

/**
 * Publishes one channel on a bound ZeroMQ ROUTER socket. A subscriber's DEALER says HELLO, with
 * the channel's secret and a subscriber id from the plan; it is WELCOMEd (or REFUSED) and then
 * gets every frame as a DATA message. The queue policies, preludes, counters and closing are
 * FanOutPublisher's: this class only moves messages.
 *
 * ZeroMQ never drops nor blocks here: the ROUTER is `mandatory` (an unroutable message is an
 * error, not silently lost) with no high-water mark, and what each subscriber may have in flight
 * is bounded by us instead: a subscriber acknowledges the DATA messages it has read (RECEIVED),
 * and a connection counts as full while more than PUBLISHER_WATERMARK_BYTES are unacknowledged.
 * That is the role a socket's `writableLength` plays for the Unix transport.
 *
 * A subscriber that leaves says BYE; one whose process died is found by a PROBE message every
 * `probeIntervalMs`, which the ROUTER refuses (EHOSTUNREACH) once ZeroMQ has dropped its
 * connection (at once when the process dies; after `heartbeatTimeoutMs` when its machine or
 * the network does). Either way it is forgotten and the sends waiting for it end.
 */
export class ZeromqPublisher extends FanOutPublisher<ZeromqEntry, Peer> {
  readonly #router: Router;
  readonly #connection: ZeromqConnection;
  readonly #planned: ReadonlySet<string>;
  readonly #peers = new Map<string, Peer>();
  readonly #ending = new Set<Promise<void>>();
  readonly #loop: ReceiveLoop;
  readonly #probe: NodeJS.Timeout;
  #inFlightBytes = 0;

  private constructor(channel: string, connection: ZeromqConnection, router: Router, tuning: ZeromqTransportTuning) {
    super(channel, tuning.stallMs ?? DEFAULT_SUBSCRIBER_STALL_MS);
    this.#router = router;
    this.#connection = connection;
    this.#planned = new Set(connection.subscribers);
    this.#loop = new ReceiveLoop(router, {
      onMessage: (parts) => this.#onMessage(parts),
      keepAlive: () => this.#inFlightBytes > 0 || this.closing,
      // The ROUTER itself failed: nobody can be served any more; waiting sends end.
      onError: () => {
        for (const peer of [...this.#peers.values()]) this.#forget(peer);
      },
    });
    this.#loop.start();
    this.#probe = setInterval(() => {
      for (const peer of this.#peers.values()) this.#send(peer, [peer.id, kindPart(ZmqKind.PROBE)]);
    }, tuning.probeIntervalMs ?? ZEROMQ_PROBE_INTERVAL_MS);
    this.#probe.unref();
  }

  /**
   * Opens a ROUTER bound on `connection.bind` (an ipc file is made 0600; a stale one is replaced).
   * @throws ZeromqBindError when the endpoint cannot be bound; AbortError when `signal` fired.
   */
  static async open(channel: string, connection: ZeromqConnection, tuning: ZeromqTransportTuning = {}, signal?: AbortSignal): Promise<ZeromqPublisher> {
    if (signal?.aborted) throw abortErrorFrom(signal);
    const router = new zmq.Router({
      mandatory: true,
      sendHighWaterMark: 0,
      receiveHighWaterMark: 0,
      sendTimeout: 0,
      receiveTimeout: ZEROMQ_IDLE_RECEIVE_MS,
      linger: ROUTER_LINGER_MS,
      heartbeatInterval: connection.heartbeatIntervalMs,
      heartbeatTimeout: connection.heartbeatTimeoutMs,
      // What subscribers send is small: HELLO at most; a larger message drops its connection.
      maxMessageSize: MAX_HELLO_BYTES,
      ipv6: connection.bind.includes("["),
    });
    try {
      await router.bind(connection.bind);
      // Other users are already kept out by the run folder (0700); same-user processes by the HELLO secret.
      if (connection.bind.startsWith("ipc://")) chmodSync(connection.bind.slice("ipc://".length), 0o600);
    } catch (cause) {
      router.close();
      throw new ZeromqBindError(channel, connection.bind, { cause });
    }
    if (signal?.aborted) {
      router.close();
      throw abortErrorFrom(signal);
    }
    return new ZeromqPublisher(channel, connection, router, tuning);
  }

  /** The endpoint subscribers connect to. */
  get endpoint(): string {
    return this.#connection.endpoint;
  }

  protected encode(chunks: readonly Uint8Array[]): ZeromqEntry {
    const body = chunks.length === 1 ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength) : Buffer.concat(chunks);
    return { body, bytes: body.byteLength + MESSAGE_OVERHEAD_BYTES };
  }

  /**
   * The first frame of a tick goes out at once, in a DATA message of its own (a lone send is
   * not delayed); the frames the same tick writes after it leave together on the next tick, as
   * the parts of one DATA message (ZeroMQ keeps part boundaries): one send, one receive and one
   * acknowledgement for a burst instead of one each per frame.
   */
  protected write(peer: Peer, entry: ZeromqEntry): void {
    if (peer.gone) return;
    peer.inFlightBytes += entry.bytes;
    this.#inFlightBytes += entry.bytes;
    if (peer.batch) {
      peer.batch.push(entry.body);
      peer.batchBytes += entry.bytes;
      if (peer.batch.length >= BATCH_FRAMES || peer.batchBytes >= BATCH_BYTES) this.#sendBatch(peer, []);
      return;
    }
    this.#sendData(peer, [entry.body], entry.bytes);
    peer.batch = [];
    process.nextTick(() => this.#sendBatch(peer, undefined));
  }

  /** Sends the frames batched for `peer`; `next` is the batch that follows (`undefined` once the tick is over). */
  #sendBatch(peer: Peer, next: Buffer[] | undefined): void {
    const batch = peer.batch;
    const bytes = peer.batchBytes;
    peer.batch = next;
    peer.batchBytes = 0;
    if (batch && batch.length > 0 && !peer.gone) this.#sendData(peer, batch, bytes);
  }

  #sendData(peer: Peer, frames: Buffer[], bytes: number): void {
    peer.inFlight.push(bytes);
    this.#send(peer, [peer.id, kindPart(ZmqKind.DATA), ...frames]);
  }

  protected writable(peer: Peer): boolean {
    if (!peer.gone && peer.inFlightBytes < PUBLISHER_WATERMARK_BYTES) return true;
    peer.blocked = true;
    return false;
  }

  protected pendingBytes(peer: Peer): number {
    return peer.inFlightBytes;
  }

  /** Sends END; resolves when the subscriber answers BYE (it has read everything) or is gone. */
  protected end(peer: Peer): Promise<void> {
    if (peer.gone) return Promise.resolve();
    if (peer.batch) this.#sendBatch(peer, []); // END after the frames; the tick's callback finds an empty batch.
    const ended = new Promise<void>((resolve) => (peer.ended = resolve));
    this.#ending.add(ended);
    this.#send(peer, [peer.id, kindPart(ZmqKind.END)]);
    return ended;
  }

  /** Waits for every subscriber's BYE (the ROUTER must read them), then closes the socket. */
  protected async shutdown(): Promise<void> {
    await Promise.all(this.#ending);
    clearInterval(this.#probe);
    this.#loop.stop();
    this.#router.close();
    // ZeroMQ removes its ipc file in the background, after close; the file goes now.
    if (this.#connection.bind.startsWith("ipc://")) rmSync(this.#connection.bind.slice("ipc://".length), { force: true });
    this.#peers.clear();
    this.#inFlightBytes = 0;
  }

  #onMessage([id, head, body, ...rest]: Buffer[]): void {
    if (!id || this.#router.closed) return;
    const kind = rest.length === 0 ? kindOf(head) : undefined;
    const key = id.toString("latin1");
    const peer = this.#peers.get(key);
    if (!peer) return this.#fromStranger(id, key, kind, body);
    if (kind === ZmqKind.RECEIVED) {
      const count = readCount(body);
      if (count === undefined || count > peer.inFlight.length - peer.ackedAt) return this.#refuse(peer);
      this.#acknowledge(peer, count);
    } else if (kind === ZmqKind.CREDIT && peer.credits) {
      const count = readCount(body);
      if (count === undefined) return this.#refuse(peer);
      this.grant(peer, count);
    } else if (kind === ZmqKind.BYE) this.#forget(peer);
    // PING is only a probe; a HELLO again is one the subscriber resent before our WELCOME reached it.
    else if (kind !== ZmqKind.PING && kind !== ZmqKind.HELLO) this.#refuse(peer);
  }

  /** A message from a routing id that is not a subscriber: a HELLO, or a subscriber we no longer know. */
  #fromStranger(id: Buffer, key: string, kind: number | undefined, body: Buffer | undefined): void {
    const reply = (answer: number): void => void this.#router.send([id, kindPart(answer)]).catch(() => {
      // Gone already: it had nothing to hear.
    });
    if (kind === ZmqKind.HELLO && body) {
      const hello = checkHello(body, this.#connection.secret, this.#planned);
      if (!hello) return reply(ZmqKind.REFUSED);
      if (this.closing) return reply(ZmqKind.END);
      const peer: Peer = { id, key, credits: hello.credits !== undefined, inFlight: [], ackedAt: 0, inFlightBytes: 0, blocked: false, gone: false, batch: undefined, batchBytes: 0 };
      this.#peers.set(key, peer);
      this.attach(hello.subscriberId, peer, { queueSize: hello.queueSize, flowControl: hello.flowControl, credits: hello.credits });
      this.#send(peer, [id, kindPart(ZmqKind.WELCOME)]);
    } else if (kind === ZmqKind.PING || kind === ZmqKind.RECEIVED || kind === ZmqKind.CREDIT) {
      // A subscriber we forgot (it was unreachable for a while): it must learn its frames may be lost.
      reply(ZmqKind.GONE);
    }
    // Anything else from a stranger is not our protocol: no answer, nothing learned.
  }

  /** `count` DATA messages reached the subscriber: they no longer count as in flight. */
  #acknowledge(peer: Peer, count: number): void {
    let bytes = 0;
    for (let i = 0; i < count; i++) bytes += peer.inFlight[peer.ackedAt + i]!;
    peer.ackedAt += count;
    if (peer.ackedAt === peer.inFlight.length) {
      peer.inFlight = [];
      peer.ackedAt = 0;
    } else if (peer.ackedAt > 1024 && peer.ackedAt * 2 > peer.inFlight.length) {
      peer.inFlight = peer.inFlight.slice(peer.ackedAt);
      peer.ackedAt = 0;
    }
    peer.inFlightBytes -= bytes;
    this.#inFlightBytes -= bytes;
    if (peer.blocked && peer.inFlightBytes < PUBLISHER_WATERMARK_BYTES) {
      peer.blocked = false;
      this.drained(peer);
    }
  }

  /** A subscriber broke the protocol: it is told it is GONE and forgotten (the others are unaffected). */
  #refuse(peer: Peer): void {
    this.#send(peer, [peer.id, kindPart(ZmqKind.GONE)]);
    this.#forget(peer);
  }

  #send(peer: Peer, parts: Buffer[]): void {
    if (this.#router.closed) return;
    // `mandatory` with no high-water mark: a send fails at once (EHOSTUNREACH) or is queued.
    this.#router.send(parts).catch(() => this.#forget(peer));
  }

  /** The subscriber left or cannot be reached: it is detached, its in-flight bytes no longer count. */
  #forget(peer: Peer): void {
    if (peer.gone) return;
    peer.gone = true;
    this.#peers.delete(peer.key);
    this.#inFlightBytes -= peer.inFlightBytes;
    peer.inFlightBytes = 0;
    this.detach(peer);
    peer.ended?.();
  }
}
