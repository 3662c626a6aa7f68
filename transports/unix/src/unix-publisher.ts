import { unlinkSync } from "node:fs";
import { type Server, type Socket, createServer } from "node:net";
import {
  ClosedError,
  DEFAULT_PUBLISHER_BUFFER_BYTES,
  type Publisher,
  type SendOptions,
  TransportError,
  WIRE_HEAD_BYTES,
  WireFrameReader,
  abortErrorFrom,
  encodeWireHead,
  writeWireHead,
} from "@rivulet/core";
import { PACK_LIMIT_BYTES, WireKind } from "./wire-kinds.js";

const decoder = new TextDecoder();

interface Subscriber {
  socket: Socket;
  id: string;
  flowControl: boolean;
}

/** Options of a Unix publisher. */
export interface UnixPublisherInit {
  channel: string;
  path: string;
  /** Bytes queued for one lagging (not flow-controlled) subscriber before frames are dropped for it. */
  bufferBytes?: number;
}

/**
 * Publishes one channel on a listening Unix socket. Subscribers connect, say HELLO, and get an
 * ACK once they are in the fan-out set. Small frames are packed with their wire head into one
 * buffer. The first frame of a tick is written at once; later frames of the same tick are
 * corked and leave together in one `writev` on the next tick, so back-to-back sends are batched
 * without delaying a lone send.
 */
export class UnixPublisher implements Publisher {
  readonly #server: Server;
  readonly #subscribers = new Set<Subscriber>();
  readonly #corked = new Set<Socket>();
  readonly #bufferBytes: number;
  #drops = 0;
  #closed: Promise<void> | undefined;

  private constructor(
    readonly init: UnixPublisherInit,
    server: Server,
  ) {
    this.#server = server;
    this.#bufferBytes = init.bufferBytes ?? DEFAULT_PUBLISHER_BUFFER_BYTES;
    server.on("connection", (socket) => this.#accept(socket));
  }

  /** Starts listening on `init.path` (a stale file there is replaced). */
  static async listen(init: UnixPublisherInit, signal?: AbortSignal): Promise<UnixPublisher> {
    if (signal?.aborted) throw abortErrorFrom(signal);
    removeStale(init.path);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", (cause) => reject(new TransportError(`cannot listen on ${init.path} for channel '${init.channel}'`, init.channel, { cause })));
      server.listen(init.path, () => resolve());
    });
    server.unref();
    return new UnixPublisher(init, server);
  }

  get drops(): number {
    return this.#drops;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  send(chunks: readonly Uint8Array[], options?: SendOptions): Promise<void> | undefined {
    if (this.#closed) throw new ClosedError(`channel '${this.init.channel}' is closed`);
    if (this.#subscribers.size === 0) return undefined;
    let length = 0;
    for (const chunk of chunks) length += chunk.byteLength;
    const packed = length <= PACK_LIMIT_BYTES ? pack(chunks, length) : undefined;
    const head = packed ? undefined : encodeWireHead(WireKind.DATA, length);
    let waits: Promise<void>[] | undefined;
    for (const sub of this.#subscribers) {
      const socket = sub.socket;
      if (!sub.flowControl && socket.writableLength > 0 && socket.writableLength + length > this.#bufferBytes) {
        this.#drops++;
        continue;
      }
      if (this.#cork(socket) && socket.writableCorked === 0) socket.cork();
      let ok: boolean;
      if (packed) {
        ok = socket.write(packed);
      } else {
        socket.write(head!);
        for (let i = 0; i < chunks.length - 1; i++) socket.write(chunks[i]!);
        ok = chunks.length > 0 ? socket.write(chunks[chunks.length - 1]!) : true;
      }
      if (!ok && sub.flowControl) (waits ??= []).push(drained(socket, options?.signal));
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
          // Resolve once our side is flushed; the subscriber's own close does not matter here.
          // Until then the socket keeps the process alive, so no frame is lost on exit.
          sub.socket.ref();
          sub.socket.once("close", () => resolve());
          sub.socket.end(encodeWireHead(WireKind.END, 0), () => resolve());
        }),
    );
    this.#subscribers.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await Promise.all(ends);
    removeStale(this.init.path);
  }

  /**
   * The first frame of a tick goes out at once (a lone send is not delayed); the socket is
   * then corked until the next tick, so the rest of a burst leaves in one writev.
   */
  #cork(socket: Socket): boolean {
    if (this.#corked.has(socket)) return true;
    this.#corked.add(socket);
    process.nextTick(() => {
      this.#corked.delete(socket);
      if (socket.writableCorked > 0) socket.uncork();
    });
    return false;
  }

  #accept(socket: Socket): void {
    // Subscribers must not keep the publishing process alive; pending writes still do.
    socket.unref();
    let sub: Subscriber | undefined;
    const reader = new WireFrameReader((kind, body) => {
      if (kind !== WireKind.HELLO || sub) return;
      const hello = JSON.parse(decoder.decode(body)) as { subscriberId: string; flowControl: boolean };
      sub = { socket, id: String(hello.subscriberId), flowControl: hello.flowControl === true };
      if (this.#closed) {
        socket.end(encodeWireHead(WireKind.END, 0));
        return;
      }
      this.#subscribers.add(sub);
      socket.write(encodeWireHead(WireKind.ACK, 0));
    }, 64 * 1024);
    socket.on("data", (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch {
        // A subscriber that sends garbage is dropped; the other subscribers are unaffected.
        socket.destroy();
      }
    });
    socket.on("close", () => {
      if (sub) this.#subscribers.delete(sub);
    });
    // Errors on one subscriber's socket (EPIPE after it crashed) end that subscriber only;
    // the 'close' handler above removes it from the fan-out set.
    socket.on("error", () => {});
  }
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

function drained(socket: Socket, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortErrorFrom(signal));
    const done = (): void => {
      socket.off("drain", done);
      socket.off("close", done);
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    const onAbort = (): void => {
      socket.off("drain", done);
      socket.off("close", done);
      reject(abortErrorFrom(signal!));
    };
    socket.on("drain", done);
    socket.on("close", done);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function removeStale(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    // Nothing to remove is the normal case.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
