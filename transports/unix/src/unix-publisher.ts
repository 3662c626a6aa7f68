import { chmodSync, unlinkSync } from "node:fs";
import { type Server, type Socket, createServer } from "node:net";
import { DATA_HELLO_TIMEOUT_MS, FanOutPublisher, type FanOutEntry, MAX_HELLO_BYTES, PUBLISHER_WATERMARK_BYTES, TransportError, abortErrorFrom } from "@rivulet/core";
import { WIRE_HEAD_BYTES, WireFrameReader, encodeWireHead, writeWireHead } from "@rivulet/core/internal";
import { type Hello, checkHello } from "./hello.js";
import { PACK_LIMIT_BYTES, WireKind } from "./wire-kinds.js";

/** One frame as it goes on the wire: its wire head and body chunks, or one packed buffer. */
export interface WireEntry extends FanOutEntry<WireEntry> {
  parts: readonly Uint8Array[];
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
 * then every frame; the queue policies, preludes, counters and closing are FanOutPublisher's,
 * this class only moves bytes on sockets.
 *
 * Small frames are packed with their wire head into one buffer. The first frame of a tick is
 * written at once; later frames of the same tick are corked and leave together in one `writev`
 * on the next tick, so back-to-back sends are batched without delaying a lone send.
 */
export class UnixPublisher extends FanOutPublisher<WireEntry, Socket> {
  readonly #server: Server;
  readonly #corked = new Set<Socket>();
  readonly #planned: ReadonlySet<string>;

  /** Serves subscribers on `server`, listening at `init.path` (see `listenOn`). */
  protected constructor(
    readonly init: UnixPublisherInit,
    server: Server,
  ) {
    super(init.channel, init.stallMs);
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
    return new UnixPublisher(init, await UnixPublisher.listenOn(init, signal));
  }

  /**
   * The listening socket `listen` serves on, for a subclass that builds its publisher itself.
   * @throws as `listen`.
   */
  protected static async listenOn(init: UnixPublisherInit, signal?: AbortSignal): Promise<Server> {
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
    return server;
  }

  protected encode(chunks: readonly Uint8Array[], _prelude?: boolean): WireEntry {
    return wireEntry(chunks);
  }

  protected writable(socket: Socket): boolean {
    return !socket.destroyed && socket.writableLength < PUBLISHER_WATERMARK_BYTES;
  }

  protected pendingBytes(socket: Socket): number {
    return socket.writableLength;
  }

  /** Resolves once our side is flushed; until then the socket keeps the process alive, so no frame is lost on exit. */
  protected end(socket: Socket): Promise<void> {
    return new Promise<void>((resolve) => {
      socket.ref();
      socket.once("close", () => resolve());
      socket.end(encodeWireHead(WireKind.END, 0), () => resolve());
    });
  }

  protected async shutdown(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    removeStale(this.init.path);
  }

  /**
   * The first frame of a tick goes out at once (a lone send is not delayed); the socket is
   * then corked until the next tick, so the rest of a burst leaves in one writev.
   */
  protected write(socket: Socket, entry: WireEntry): void {
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
    let hello: Hello | undefined;
    // A connection that never says HELLO (or says it slowly) is closed: it holds no data.
    const helloTimer = setTimeout(() => socket.destroy(), this.init.helloTimeoutMs ?? DATA_HELLO_TIMEOUT_MS);
    helloTimer.unref();
    const reader = new WireFrameReader((kind, body) => {
      if (socket.destroyed) return;
      // A subscriber says HELLO once and then only CREDIT (when it granted credits).
      if (hello && kind === WireKind.CREDIT && hello.credits !== undefined && body.byteLength === 4) {
        this.grant(socket, new DataView(body.buffer, body.byteOffset, 4).getUint32(0, true));
        return;
      }
      const said = kind === WireKind.HELLO && !hello ? checkHello(body, this.init.secret, this.#planned) : undefined;
      if (!said) {
        socket.destroy();
        return;
      }
      hello = said;
      clearTimeout(helloTimer);
      if (this.closing) {
        socket.end(encodeWireHead(WireKind.END, 0));
        return;
      }
      this.attach(said.subscriberId, socket, { queueSize: said.queueSize, flowControl: said.flowControl, credits: said.credits });
      socket.on("drain", () => this.drained(socket));
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
      this.detach(socket);
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
