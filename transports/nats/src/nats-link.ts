import { type NatsConnection, connect } from "@nats-io/transport-node";
import { connectionOptions } from "./nats-connect.js";
import type { NatsOptions } from "./nats-options.js";
import { refConnection, unrefConnection } from "./nats-unref.js";

/** The server's max_payload when it has not said yet (nats-server's default). */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** What publishers and subscriptions hear about their connection. */
export interface LinkListener {
  /** The connection to the server broke; nats.js is reconnecting. */
  disconnected?(): void;
  /** Connected again (subscriptions are registered again by nats.js). */
  reconnected?(): void;
  /** Closed for good: given up reconnecting (`error`), or closed by this process (undefined). */
  closed?(error: Error | undefined): void;
}

/**
 * One node's connection to NATS for one named transport, shared by its publishers and
 * subscriptions: tracks whether it is connected now and tells listeners about disconnects,
 * reconnects and the final close.
 */
export class NatsLink {
  #connected = true;
  #holds = 0;
  readonly #listeners = new Set<LinkListener>();
  readonly #statusLoop: Promise<void>;

  private constructor(
    readonly nc: NatsConnection,
    resetBackoff: () => void,
  ) {
    unrefConnection(nc);
    this.#statusLoop = (async () => {
      for await (const status of nc.status()) {
        if (status.type === "disconnect") {
          this.#connected = false;
          for (const l of [...this.#listeners]) l.disconnected?.();
        } else if (status.type === "reconnect") {
          this.#connected = true;
          resetBackoff();
          unrefConnection(nc);
          if (this.#holds > 0) refConnection(nc, true);
          for (const l of [...this.#listeners]) l.reconnected?.();
        }
      }
    })();
    void nc.closed().then((error) => {
      this.#connected = false;
      for (const l of [...this.#listeners]) l.closed?.(error ?? undefined);
    });
  }

  /**
   * Connects to a server of `options.servers`.
   * @throws the nats.js error when no server accepts (refused, wrong credentials, timeout).
   */
  static async open(options: NatsOptions, name: string): Promise<NatsLink> {
    const { options: connectOptions, resetBackoff } = connectionOptions(options, name);
    return new NatsLink(await connect(connectOptions), resetBackoff);
  }

  /** True while connected to a server (false while reconnecting, and after close). */
  get connected(): boolean {
    return this.#connected && !this.nc.isClosed();
  }

  /** The largest message the current server takes (`max_payload` of its INFO). */
  get maxPayload(): number {
    return this.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
  }

  /**
   * Keeps the process alive until `operation` settles (a flush, a handshake): the idle
   * connection does not (see unrefConnection), but a wait for the server must.
   */
  async hold<T>(operation: Promise<T>): Promise<T> {
    if (this.#holds++ === 0) refConnection(this.nc, true);
    try {
      return await operation;
    } finally {
      if (--this.#holds === 0) refConnection(this.nc, false);
    }
  }

  /**
   * Waits for a subscription's `handshake` (held, see `hold`) and gives the subscription back;
   * when the handshake fails, closes it first, so nothing it subscribed stays behind.
   */
  async opening<T extends { close(): Promise<void> }>(subscription: T, handshake: Promise<void>): Promise<T> {
    try {
      await this.hold(handshake);
      return subscription;
    } catch (error) {
      await subscription.close();
      throw error;
    }
  }

  listen(listener: LinkListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Closes the connection (what was published is flushed first by nats.js). Idempotent. */
  async close(): Promise<void> {
    await this.nc.close();
    await this.#statusLoop;
  }
}
