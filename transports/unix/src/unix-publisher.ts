import { chmodSync, unlinkSync } from "node:fs";
import { type Server, type Socket, createServer } from "node:net";
import { ClosedError, DATA_HELLO_TIMEOUT_MS, MAX_HELLO_BYTES, type OutboxPrelude, PUBLISHER_WATERMARK_BYTES, type Publisher, type SendOptions, SubscriberOutbox, TransportError, abortErrorFrom } from "@rivulet/core";
import { WIRE_HEAD_BYTES, WireFrameReader, encodeWireHead, writeWireHead } from "@rivulet/core/internal";
import { type Hello, checkHello } from "./hello.js";
import { PACK_LIMIT_BYTES, WireKind } from "./wire-kinds.js";

/** One frame as it goes on the wire: its wire head and body chunks, or one packed buffer. */
interface WireEntry {
  parts: readonly Uint8Array[];
  bytes: number;
  /** The frame this one needs before it on each connection (SendOptions.prelude). */
  prelude?: OutboxPrelude<WireEntry>;
}

interface Subscriber {
  socket: Socket;
  hello: Hello;
  outbox: SubscriberOutbox<WireEntry>;
}

/** Options of a Unix publisher. */
export interface UnixPublisherInit {
  channel: string;
  path: string;
  /** The channel's secret from the plan; a HELLO without it is refused. */
  secret: string;
  /** Node ids the plan allows to subscribe; any other id is refused. */
  subscribers: readonly string[];
  /** How long a connection may take to say HELLO before it is closed; default DATA_HELLO_TIMEOUT_MS. */
  helloTimeoutMs?: number;
  /** How long a send waits for a full drop_oldest subscriber; default DEFAULT_SUBSCRIBER_STALL_MS. */
  stallMs?: number;
}

/**
 * Publishes one channel on a listening Unix socket (mode 0600). A connection must say HELLO,
 * with the channel's secret and a subscriber id from the plan, within `helloTimeoutMs`;
 * anything else is closed without a byte written to it. Accepted subscribers get an ACK and
 * then every frame, through a SubscriberOutbox that applies their queue policy (drop_oldest
 * keeps their newest `queue_size` frames; backpressure makes `send` wait).
 *
 * A frame sent with a prelude (SendOptions.prelude) has it written before it on each connection
 * that has not had that key yet, by the subscriber's outbox, so late joiners get it too.
 *
 * Small frames are packed with their wire head into one buffer. The first frame of a tick is
 * written at once; later frames of the same tick are corked and leave together in one `writev`
 * on the next tick, so back-to-back sends are batched without delaying a lone send.
 */
export class UnixPublisher implements Publisher {
  readonly #server: Server;
  readonly #subscribers = new Set<Subscriber>();
  readonly #corked = new Set<Socket>();
  readonly #planned: ReadonlySet<string>;
  /** Preludes by key, packed once (a key always stands for the same chunks). */
  readonly #preludes = new Map<string, OutboxPrelude<WireEntry>>();
  #dropsOfGone = 0;
  #closed: Promise<void> | undefined;

  private constructor(
    readonly init: UnixPublisherInit,
    server: Server,
  ) {
    this.#server = server;
    this.#planned = new Set(init.subscribers);
    server.on("connection", (socket) => this.#accept(socket));
  }

  /**
   * Starts listening on `init.path` (a stale file there is replaced) and makes the socket file
   * 0600.
   * @throws TransportError when the path cannot be listened on; AbortError when `signal` fired.
   */
  static async listen(init: UnixPublisherInit, signal?: AbortSignal): Promise<UnixPublisher> {
    if (signal?.aborted) throw abortErrorFrom(signal);
    removeStale(init.path);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", (cause) => reject(new TransportError(`cannot listen on ${init.path} for channel '${init.channel}'`, init.channel, { cause })));
      server.listen(init.path, () => resolve());
    });
    // Other users are already kept out by the run folder (0700); this holds for a socket
    // placed elsewhere too. Same-user processes are kept out by the HELLO secret.
    chmodSync(init.path, 0o600);
    server.unref();
    return new UnixPublisher(init, server);
  }

  get drops(): number {
    let drops = this.#dropsOfGone;
    for (const sub of this.#subscribers) drops += sub.outbox.drops;
    return drops;
  }

  get bufferedBytes(): number {
    let bytes = 0;
    for (const sub of this.#subscribers) bytes += sub.outbox.queuedBytes + sub.socket.writableLength;
    return bytes;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** Preludes are written by each subscriber's outbox, once per connection and key. */
  get preludes(): boolean {
    return true;
  }

  get waitingFor(): string[] {
    const ids: string[] = [];
    for (const sub of this.#subscribers) if (sub.outbox.waiting) ids.push(sub.hello.subscriberId);
    return ids;
  }

  send(chunks: readonly Uint8Array[], options?: SendOptions): Promise<void> | undefined {
    if (this.#closed) throw new ClosedError(`channel '${this.init.channel}' is closed`);
    if (this.#subscribers.size === 0) return undefined;
    const entry = wireEntry(chunks);
    const prelude = options?.prelude;
    if (prelude) {
      let known = this.#preludes.get(prelude.key);
      if (!known) this.#preludes.set(prelude.key, (known = { key: prelude.key, frame: wireEntry(prelude.chunks) }));
      entry.prelude = known;
    }
    let waits: Promise<void>[] | undefined;
    for (const sub of this.#subscribers) {
      const wait = sub.outbox.offer(entry, options?.signal);
      if (wait) (waits ??= []).push(wait);
    }
    if (!waits) return undefined;
    return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => undefined);
  }

  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    const ends = [...this.#subscribers].map(
      (sub) =>
        new Promise<void>((resolve) => {
          sub.outbox.close(true);
          // Resolve once our side is flushed; the subscriber's own close does not matter here.
          // Until then the socket keeps the process alive, so no frame is lost on exit.
          sub.socket.ref();
          sub.socket.once("close", () => resolve());
          sub.socket.end(encodeWireHead(WireKind.END, 0), () => resolve());
        }),
    );
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await Promise.all(ends);
    for (const sub of this.#subscribers) this.#dropsOfGone += sub.outbox.drops;
    this.#subscribers.clear();
    removeStale(this.init.path);
  }

  /**
   * The first frame of a tick goes out at once (a lone send is not delayed); the socket is
   * then corked until the next tick, so the rest of a burst leaves in one writev.
   */
  #write(socket: Socket, entry: WireEntry): void {
    if (this.#corked.has(socket)) {
      if (socket.writableCorked === 0) socket.cork();
    } else {
      this.#corked.add(socket);
      process.nextTick(() => {
        this.#corked.delete(socket);
        if (socket.writableCorked > 0) socket.uncork();
      });
    }
    for (const part of entry.parts) socket.write(part);
  }

  #accept(socket: Socket): void {
    // Connections must not keep the publishing process alive; pending writes still do.
    socket.unref();
    let sub: Subscriber | undefined;
    // A connection that never says HELLO (or says it slowly) is closed: it holds no data.
    const helloTimer = setTimeout(() => socket.destroy(), this.init.helloTimeoutMs ?? DATA_HELLO_TIMEOUT_MS);
    helloTimer.unref();
    const reader = new WireFrameReader((kind, body) => {
      if (socket.destroyed) return;
      // A subscriber says HELLO once and then only CREDIT (when it granted credits).
      if (sub && kind === WireKind.CREDIT && sub.hello.credits !== undefined && body.byteLength === 4) {
        sub.outbox.grant(new DataView(body.buffer, body.byteOffset, 4).getUint32(0, true));
        return;
      }
      const hello = kind === WireKind.HELLO && !sub ? checkHello(body, this.init.secret, this.#planned) : undefined;
      if (!hello) {
        socket.destroy();
        return;
      }
      clearTimeout(helloTimer);
      if (this.#closed) {
        socket.end(encodeWireHead(WireKind.END, 0));
        return;
      }
      const outbox = new SubscriberOutbox<WireEntry>({
        sink: {
          get writable() {
            return !socket.destroyed && socket.writableLength < PUBLISHER_WATERMARK_BYTES;
          },
          get pendingBytes() {
            return socket.writableLength;
          },
          write: (entry) => this.#write(socket, entry),
        },
        capacity: hello.queueSize,
        flowControl: hello.flowControl,
        credits: hello.credits,
        stallMs: this.init.stallMs,
        sizeOf: (entry) => entry.bytes,
        preludeOf: (entry) => entry.prelude,
      });
      sub = { socket, hello, outbox };
      socket.on("drain", () => outbox.drained());
      this.#subscribers.add(sub);
      socket.write(encodeWireHead(WireKind.ACK, 0));
    }, MAX_HELLO_BYTES);
    socket.on("data", (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch {
        // A connection that sends garbage (a FrameDecodeError) is closed; the others are unaffected.
        socket.destroy();
      }
    });
    socket.on("close", () => {
      clearTimeout(helloTimer);
      if (sub && this.#subscribers.delete(sub)) {
        sub.outbox.close(false);
        this.#dropsOfGone += sub.outbox.drops;
      }
    });
    // Errors on one subscriber's socket (EPIPE after it crashed) end that subscriber only;
    // the 'close' handler above removes it from the fan-out set.
    socket.on("error", () => {});
  }
}

/** A frame as a DATA wire frame: packed into one buffer when small. */
function wireEntry(chunks: readonly Uint8Array[]): WireEntry {
  let length = 0;
  for (const chunk of chunks) length += chunk.byteLength;
  return {
    parts: length <= PACK_LIMIT_BYTES ? [pack(chunks, length)] : [encodeWireHead(WireKind.DATA, length), ...chunks],
    bytes: WIRE_HEAD_BYTES + length,
  };
}

function pack(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const packed = Buffer.allocUnsafe(WIRE_HEAD_BYTES + length);
  writeWireHead(packed, 0, WireKind.DATA, length);
  let at = WIRE_HEAD_BYTES;
  for (const chunk of chunks) {
    packed.set(chunk, at);
    at += chunk.byteLength;
  }
  return packed;
}

function removeStale(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    // Nothing to remove is the normal case.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
