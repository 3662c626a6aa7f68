import { BoundedQueue } from "./bounded-queue.js";
import { DEFAULT_SUBSCRIBER_STALL_MS } from "./constants.js";
import { waitFor } from "./wait-for.js";

/** Where an outbox hands frames over: a socket, a broker client, a shared-memory ring. */
export interface OutboxSink<F> {
  /**
   * True while the sink takes another frame without going over its watermark. When it turns
   * false, the sink's owner must call `drained()` once it is below the watermark again.
   */
  readonly writable: boolean;
  /**
   * Bytes written to the sink that the subscriber has not taken yet (a socket's
   * `writableLength`). While it shrinks, the subscriber is reading: it is not stalled.
   */
  readonly pendingBytes: number;
  /** Hands one frame over; the sink keeps it until it has left the process. */
  write(frame: F): void;
}

/** A frame another frame needs before it on the sink, once per `key` (SendOptions.prelude). */
export interface OutboxPrelude<F> {
  key: string;
  frame: F;
}

/** Options of a SubscriberOutbox. */
export interface SubscriberOutboxInit<F> {
  sink: OutboxSink<F>;
  /** The subscriber's `queue_size`: frames kept for it while its sink is behind; at least 1. */
  capacity: number;
  /** True for a `backpressure` subscriber: nothing is dropped and sends wait for it. */
  flowControl: boolean;
  /**
   * Credits the subscriber granted in its handshake (its `queue_size`), for credit-based flow
   * control: with `flowControl`, at most this many frames are outstanding (sent and not yet
   * returned by `grant`), and sends wait while none is left. Omitted: flow control only by
   * the sink's watermark (a subscriber that does not grant credits).
   */
  credits?: number;
  /** How long a send waits before a full drop_oldest subscriber counts as stalled. */
  stallMs?: number;
  /** Bytes of a frame, for `queuedBytes`. */
  sizeOf: (frame: F) => number;
  /** The prelude a frame needs, if any (see `offer`). */
  preludeOf?: (frame: F) => OutboxPrelude<F> | undefined;
  /**
   * Called for every frame this subscriber will never get: dropped (drop_oldest), or discarded
   * by `close(false)`. A transport whose frames hold a resource per subscriber (a shared-memory
   * slot) gives it back here.
   */
  onDrop?: (frame: F) => void;
}

/**
 * The queue policy of one subscriber on the publishing side, shared by every transport that
 * knows its subscribers: frames go straight to the sink while it is under its watermark, and
 * wait in a queue of `queue_size` frames while it is not.
 *
 * drop_oldest, the contract: a subscriber that does not read ends up with the newest
 * `queue_size` frames (plus those already handed to the sink), its older ones dropped and
 * counted here; a subscriber that reads as fast as it can loses nothing, even in a burst far
 * larger than any buffer. The second half needs the producer to yield: a loop of
 * `await send()` whose promises are already resolved never lets the event loop run, so no byte
 * would leave. Hence, when the queue becomes full, `offer` returns a promise that resolves at
 * the subscriber's next drain, so a live reader paces the producer and loses nothing. That wait
 * is bounded by `stallMs` without progress: a subscriber that takes no byte from its sink for
 * that long is stalled, and from then on its oldest frames are dropped without making the
 * producer wait, until it drains again. (Progress, not a drain, is what counts: a reader slowed
 * by a busy machine still paces the producer rather than losing frames.) The cost: a producer
 * feeding a stalled subscriber waits `stallMs` once per stall.
 * Memory per subscriber stays below `queue_size` frames plus the sink's watermark plus one frame.
 *
 * backpressure: frames are never dropped while the subscriber stays. With `credits`, each frame
 * written takes a credit and `grant(n)` (the subscriber took n frames out of its queue) returns
 * them; `offer` returns a promise while no credit is left (or the sink is over its watermark),
 * so a producer that awaits its sends is at most `credits` frames ahead of its consumer's
 * program. Frames offered without credit (a producer that ignores the promise) wait here,
 * unbounded, until credits come; those still waiting when the subscriber leaves count as
 * drops. Without `credits`, only the sink's watermark paces the producer.
 *
 * Preludes (`preludeOf`): a frame may need another frame before it (a type definition). The
 * prelude travels with the frame and is written to the sink right before the first frame that
 * needs it, once per key for the life of the outbox (one connection). It is not a frame of the
 * queue: it takes no slot and no credit, is not counted, and cannot be dropped, since every frame
 * that needs it carries it (a dropped frame's successor writes it).
 */
export class SubscriberOutbox<F> {
  readonly #sink: OutboxSink<F>;
  readonly #queue: BoundedQueue<F>;
  readonly #flowControl: boolean;
  readonly #stallMs: number;
  readonly #sizeOf: (frame: F) => number;
  readonly #preludeOf: ((frame: F) => OutboxPrelude<F> | undefined) | undefined;
  readonly #onDrop: ((frame: F) => void) | undefined;
  /** Keys of the preludes written to the sink. */
  readonly #preludesWritten = new Set<string>();
  readonly #waiters = new Set<() => void>();
  /** Frames of a credit-controlled subscriber offered while it had no credit. */
  #uncredited: F[] = [];
  #credits: number | undefined;
  #discarded = 0;
  #queuedBytes = 0;
  #stalled = false;
  #stallTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(init: SubscriberOutboxInit<F>) {
    this.#sink = init.sink;
    this.#queue = new BoundedQueue<F>(init.capacity);
    this.#flowControl = init.flowControl;
    this.#stallMs = init.stallMs ?? DEFAULT_SUBSCRIBER_STALL_MS;
    this.#sizeOf = init.sizeOf;
    this.#preludeOf = init.preludeOf;
    this.#onDrop = init.onDrop;
    this.#credits = init.flowControl ? init.credits : undefined;
  }

  /**
   * Frames dropped for this subscriber: drop_oldest drops, and with credits the frames still
   * waiting for credit when the subscriber left.
   */
  get drops(): number {
    return this.#queue.drops + this.#discarded;
  }

  /** Credits left (frames that may be written before a send waits); `undefined` without credits. */
  get credits(): number | undefined {
    return this.#credits;
  }

  /** Bytes of the frames waiting in the queue (the sink's own buffer is not counted). */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** True while a send waits for this subscriber. */
  get waiting(): boolean {
    return this.#waiters.size > 0;
  }

  /** True after a drop_oldest wait timed out, until the subscriber drains again. */
  get stalled(): boolean {
    return this.#stalled;
  }

  /**
   * Queues or writes one frame. Returns `undefined` when the caller may go on at once, or a
   * promise when it should wait: it resolves when the subscriber drains, stalls (drop_oldest,
   * after `stallMs` without progress) or the outbox closes. After `close()`, frames are ignored.
   * @throws AbortError (through the promise) when `signal` fires first; the frame itself was
   *   already accepted and stays queued (an abort ends the wait, it does not take a frame back).
   */
  offer(frame: F, signal?: AbortSignal): Promise<void> | undefined {
    if (this.#closed) return undefined;
    if (this.#flowControl) {
      if (this.#credits === undefined) this.#write(frame);
      else if (this.#credits > 0 && this.#uncredited.length === 0) {
        this.#credits--;
        this.#write(frame);
      } else {
        this.#uncredited.push(frame);
        this.#queuedBytes += this.#sizeOf(frame);
      }
      return this.#mayGoOn() ? undefined : this.#wait(signal);
    }
    if (this.#queue.length === 0 && this.#sink.writable) {
      this.#write(frame);
      return undefined;
    }
    const dropped = this.#queue.push(frame);
    this.#queuedBytes += this.#sizeOf(frame);
    if (dropped !== undefined) {
      this.#queuedBytes -= this.#sizeOf(dropped);
      this.#onDrop?.(dropped);
    }
    this.#flush();
    return this.#queue.isFull && !this.#stalled ? this.#wait(signal) : undefined;
  }

  /** The sink went below its watermark: refills it from the queue and wakes waiting sends. */
  drained(): void {
    this.#stalled = false;
    this.#flush();
    if (this.#flowControl ? this.#mayGoOn() : !this.#queue.isFull) this.#wake();
  }

  /**
   * The subscriber returned `count` credits (it took that many frames out of its queue):
   * writes frames that waited for credit, and wakes waiting sends once a credit is free.
   * Ignored without credit-based flow control, and after close.
   */
  grant(count: number): void {
    if (this.#credits === undefined || this.#closed || !(count > 0)) return;
    this.#credits += count;
    let written = 0;
    while (this.#credits > 0 && written < this.#uncredited.length) {
      const frame = this.#uncredited[written++]!;
      this.#credits--;
      this.#queuedBytes -= this.#sizeOf(frame);
      this.#write(frame);
    }
    if (written > 0) this.#uncredited = this.#uncredited.slice(written);
    if (this.#mayGoOn()) this.#wake();
  }

  /**
   * Ends the outbox and wakes waiting sends. With `flush`, every queued frame is written to
   * the sink regardless of its watermark (a clean close delivers what was sent); without, they
   * are discarded (the subscriber left).
   */
  close(flush: boolean): void {
    this.#closed = true;
    while (this.#queue.length > 0) {
      const frame = this.#queue.shift()!;
      if (flush) this.#write(frame);
      else this.#onDrop?.(frame);
    }
    // A clean close delivers what was sent, credit or not: the subscriber reads to the end.
    if (flush) for (const frame of this.#uncredited) this.#write(frame);
    else {
      this.#discarded += this.#uncredited.length;
      if (this.#onDrop) for (const frame of this.#uncredited) this.#onDrop(frame);
    }
    this.#uncredited = [];
    this.#queuedBytes = 0;
    this.#wake();
  }

  /** Writes a frame to the sink, after its prelude when the sink has not had that one yet. */
  #write(frame: F): void {
    const prelude = this.#preludeOf?.(frame);
    if (prelude && !this.#preludesWritten.has(prelude.key)) {
      this.#preludesWritten.add(prelude.key);
      this.#sink.write(prelude.frame);
    }
    this.#sink.write(frame);
  }

  /** A flow-controlled send may go on: the sink is under its watermark and a credit is free. */
  #mayGoOn(): boolean {
    return this.#sink.writable && (this.#credits === undefined || (this.#credits > 0 && this.#uncredited.length === 0));
  }

  #flush(): void {
    while (this.#queue.length > 0 && this.#sink.writable) {
      const frame = this.#queue.shift()!;
      this.#queuedBytes -= this.#sizeOf(frame);
      this.#write(frame);
    }
  }

  #wait(signal: AbortSignal | undefined): Promise<void> {
    if (!this.#flowControl && !this.#stallTimer) this.#armStallTimer();
    return waitFor<void>(
      (resolve) => {
        this.#waiters.add(resolve);
        return () => this.#waiters.delete(resolve);
      },
      { signal },
    );
  }

  /**
   * Declares the subscriber stalled after `stallMs` in which it took nothing from the sink.
   * Before deciding, I/O gets two more turns of the event loop: timers run before I/O, so a
   * process that was descheduled for a while would otherwise judge its subscriber before
   * hearing that it had read (a write completes one turn after the peer reads).
   */
  #armStallTimer(): void {
    const pending = this.#sink.pendingBytes;
    const progressed = (): boolean => this.#sink.pendingBytes < pending;
    const timer = setTimeout(() => {
      if (progressed()) return this.#armStallTimer();
      setImmediate(() =>
        setImmediate(() => {
          if (this.#stallTimer !== timer) return; // drained or closed meanwhile
          if (progressed()) return this.#armStallTimer();
          this.#stallTimer = undefined;
          this.#stalled = true;
          this.#wake();
        }),
      );
    }, this.#stallMs);
    this.#stallTimer = timer;
  }

  #wake(): void {
    if (this.#stallTimer) {
      clearTimeout(this.#stallTimer);
      this.#stallTimer = undefined;
    }
    for (const resolve of [...this.#waiters]) resolve();
  }
}
