import { type Socket, createConnection } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type SubscribeOptions,
  type Subscription,
  TransportError,
  WireFrameReader,
  abortErrorFrom,
  encodeWireHead,
} from "@rivulet/core";
import { WireKind } from "./wire-kinds.js";

const encoder = new TextEncoder();
const RETRY_FIRST_MS = 2;
const RETRY_CAP_MS = 100;
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Subscribes to a Unix publisher: connects (retrying with capped exponential backoff and jitter
 * while the publisher is not listening yet), says HELLO, and resolves on the ACK. Data frames
 * go to `onFrame`; END or a broken connection go to `onClose` once.
 */
export class UnixSubscription implements Subscription {
  #closed = false;
  #ended = false;

  private constructor(
    private readonly socket: Socket,
    private readonly options: SubscribeOptions,
  ) {}

  static async connect(channel: string, path: string, options: SubscribeOptions): Promise<UnixSubscription> {
    const { signal } = options;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortErrorFrom(signal);
      try {
        return await UnixSubscription.#attempt(channel, path, options);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOENT" && code !== "ECONNREFUSED") {
          throw new TransportError(`cannot subscribe to channel '${channel}' at ${path}`, channel, { cause: error });
        }
      }
      const backoff = Math.min(RETRY_CAP_MS, RETRY_FIRST_MS * 2 ** attempt);
      await sleep(backoff / 2 + Math.random() * (backoff / 2), undefined, { signal }).catch(() => {
        throw abortErrorFrom(signal!);
      });
    }
  }

  static #attempt(channel: string, path: string, options: SubscribeOptions): Promise<UnixSubscription> {
    return new Promise((resolve, reject) => {
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
              const lost = new TransportError(`corrupt data on channel '${channel}'`, channel, { cause: error });
              if (subscription) subscription.#finish("lost", lost);
              socket.destroy();
            }
            return true;
          },
        },
      });
      let subscription: UnixSubscription | undefined;
      const onAbort = (): void => {
        socket.destroy();
        reject(abortErrorFrom(options.signal!));
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      const reader: WireFrameReader = new WireFrameReader((kind, body) => {
        if (kind === WireKind.DATA) subscription?.options.onFrame(body);
        else if (kind === WireKind.ACK && !subscription) {
          options.signal?.removeEventListener("abort", onAbort);
          // Once subscribed, an idle input must not keep the process alive (the SDK decides that).
          socket.unref();
          subscription = new UnixSubscription(socket, options);
          resolve(subscription);
        } else if (kind === WireKind.END) {
          if (subscription) subscription.#finish("end");
          else reject(new TransportError(`channel '${channel}' closed before the subscription was accepted`, channel));
          socket.end();
        }
      }, undefined, true);
      socket.on("connect", () => {
        const hello = encoder.encode(JSON.stringify({ subscriberId: options.subscriberId, flowControl: options.flowControl }));
        socket.write(encodeWireHead(WireKind.HELLO, hello.byteLength));
        socket.write(hello);
      });
      socket.on("error", (error) => {
        options.signal?.removeEventListener("abort", onAbort);
        if (subscription) subscription.#finish("lost", new TransportError(`connection to channel '${channel}' failed`, channel, { cause: error }));
        else reject(error);
      });
      socket.on("close", () => {
        if (subscription) subscription.#finish("lost", new TransportError(`channel '${channel}' closed without an end marker (its publisher stopped abruptly)`, channel));
        else reject(Object.assign(new Error("closed before ACK"), { code: "ECONNREFUSED" }));
      });
    });
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#ended = true;
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once("close", () => resolve());
      this.socket.destroy();
    });
  }

  #finish(reason: "end" | "lost", error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.options.onClose(reason, error);
  }
}
