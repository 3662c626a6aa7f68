import { ClosedError } from "./errors.js";
import { type OutboxPrelude, SubscriberOutbox } from "./subscriber-outbox.js";
import type { Publisher, SendOptions } from "./transport.js";

/** A frame as a transport writes it: its size (for the byte counters) and the prelude it needs, if any. */
export interface FanOutEntry<E> {
  readonly bytes: number;
  prelude?: OutboxPrelude<E>;
}

/** How a subscriber asked to be served (from its handshake). */
export interface SubscriberPolicy {
  /** Its input's `queue_size`. */
  queueSize: number;
  /** True for `backpressure`: sends wait for it and nothing is dropped. */
  flowControl: boolean;
  /** Credits it granted (credit-based flow control), when it grants them. */
  credits?: number;
}

interface Attached<E, C> {
  id: string;
  connection: C;
  outbox: SubscriberOutbox<E>;
}

/**
 * What every publisher that knows its subscribers shares, whatever moves the bytes (a socket
 * per subscriber, a broker, a shared-memory ring): the set of subscribers, each with its queue
 * policy (SubscriberOutbox: drop_oldest keeps the newest `queue_size` frames, backpressure makes
 * `send` wait), preludes sent once per subscriber and key, the counters (drops also of
 * subscribers that left), the names of the subscribers a send waits for, and the close state
 * machine (no send after `close()`; `close()` flushes every subscriber, ends it, and is
 * idempotent).
 *
 * A subclass implements only the primitives on one connection (`C`): how a frame is encoded
 * (`encode`), written (`write`), given back when a subscriber will never get it (`dropped`), how full the connection is (`writable`, `pendingBytes`), how it
 * ends cleanly (`end`), and how the publisher stops taking subscribers (`shutdown`). It calls
 * `attach` when a subscriber has been accepted, `detach` when its connection went away, and
 * `drained`/`grant` when the connection drained or the subscriber returned credits.
 */
export abstract class FanOutPublisher<E extends FanOutEntry<E>, C> implements Publisher {
  readonly #subscribers = new Map<C, Attached<E, C>>();
  /** Preludes by key, encoded once (a key always stands for the same chunks). */
  readonly #preludes = new Map<string, OutboxPrelude<E>>();
  #dropsOfGone = 0;
  #closed: Promise<void> | undefined;

  /**
   * @param channel the channel's name, for errors.
   * @param stallMs how long a send waits for a full drop_oldest subscriber; default DEFAULT_SUBSCRIBER_STALL_MS.
   */
  protected constructor(
    readonly channel: string,
    readonly stallMs?: number,
  ) {}

  /**
   * One frame, given as the chunks passed to `send`, as this transport writes it. `prelude` is
   * true for a prelude (SendOptions.prelude), which is kept for subscribers that join later.
   */
  protected abstract encode(chunks: readonly Uint8Array[], prelude: boolean): E;
  /** Hands one frame to a subscriber's connection. */
  protected abstract write(connection: C, entry: E): void;
  /** True while the connection takes another frame without going over its watermark. */
  protected abstract writable(connection: C): boolean;
  /** Bytes written to the connection that have not left the process yet. */
  protected abstract pendingBytes(connection: C): number;
  /** Ends a subscriber cleanly after everything written to it; resolves once flushed. */
  protected abstract end(connection: C): Promise<void>;
  /** Stops taking subscribers (closes the listening socket, say). */
  protected abstract shutdown(): Promise<void>;

  get drops(): number {
    let drops = this.#dropsOfGone;
    for (const sub of this.#subscribers.values()) drops += sub.outbox.drops;
    return drops;
  }

  get bufferedBytes(): number {
    let bytes = 0;
    for (const sub of this.#subscribers.values()) bytes += sub.outbox.queuedBytes + this.pendingBytes(sub.connection);
    return bytes;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** Preludes are written by each subscriber's outbox, once per subscriber and key. */
  get preludes(): boolean {
    return true;
  }

  get waitingFor(): string[] {
    const ids: string[] = [];
    for (const sub of this.#subscribers.values()) if (sub.outbox.waiting) ids.push(sub.id);
    return ids;
  }

  /** True once `close()` was called. */
  protected get closing(): boolean {
    return this.#closed !== undefined;
  }

  send(chunks: readonly Uint8Array[], options?: SendOptions): Promise<void> | undefined {
    if (this.#closed) throw new ClosedError(`channel '${this.channel}' is closed`);
    if (this.#subscribers.size === 0) return undefined;
    return this.offer(this.encode(chunks, false), options);
  }

  /**
   * Offers an encoded frame to every current subscriber, with its prelude (`options.prelude`),
   * as `send` does once it has encoded the chunks: for a subclass whose frame was written in
   * place (Publisher.loan). The caller checks `closing` first.
   */
  protected offer(entry: E, options?: SendOptions): Promise<void> | undefined {
    const prelude = options?.prelude;
    if (prelude) {
      let known = this.#preludes.get(prelude.key);
      if (!known) this.#preludes.set(prelude.key, (known = { key: prelude.key, frame: this.encode(prelude.chunks, true) }));
      entry.prelude = known;
    }
    let waits: Promise<void>[] | undefined;
    for (const sub of this.#subscribers.values()) {
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

  /**
   * Starts serving an accepted subscriber on `connection` with its policy. From now on every
   * `send` offers it each frame.
   */
  protected attach(id: string, connection: C, policy: SubscriberPolicy): void {
    const writable = (): boolean => this.writable(connection);
    const pending = (): number => this.pendingBytes(connection);
    const outbox = new SubscriberOutbox<E>({
      sink: {
        get writable() {
          return writable();
        },
        get pendingBytes() {
          return pending();
        },
        write: (entry) => this.write(connection, entry),
      },
      capacity: policy.queueSize,
      flowControl: policy.flowControl,
      credits: policy.credits,
      stallMs: this.stallMs,
      sizeOf: (entry) => entry.bytes,
      preludeOf: (entry) => entry.prelude,
      onDrop: (entry) => this.dropped(connection, entry),
    });
    this.#subscribers.set(connection, { id, connection, outbox });
  }

  /** The subscriber on `connection` went away (its connection broke or it left): it is forgotten, its drops kept. */
  protected detach(connection: C): void {
    const sub = this.#subscribers.get(connection);
    if (!sub) return;
    this.#subscribers.delete(connection);
    sub.outbox.close(false);
    this.#dropsOfGone += sub.outbox.drops;
  }

  /**
   * The subscriber on `connection` will never get `entry` (dropped by drop_oldest, or discarded
   * because it left): a subclass whose frames hold something per subscriber gives it back.
   */
  protected dropped(_connection: C, _entry: E): void {}

  /** The connection went below its watermark again. */
  protected drained(connection: C): void {
    this.#subscribers.get(connection)?.outbox.drained();
  }

  /** The subscriber on `connection` returned `count` credits. */
  protected grant(connection: C, count: number): void {
    this.#subscribers.get(connection)?.outbox.grant(count);
  }

  async #close(): Promise<void> {
    const ends = [...this.#subscribers.values()].map((sub) => {
      sub.outbox.close(true);
      return this.end(sub.connection);
    });
    await this.shutdown();
    await Promise.all(ends);
    for (const sub of this.#subscribers.values()) this.#dropsOfGone += sub.outbox.drops;
    this.#subscribers.clear();
  }
}
