import { type NodeEvent, type QueuePolicy } from "@rivulet/core";
import { BoundedQueue, type ItemSource } from "@rivulet/core/internal";

interface Entry {
  seq: number;
  event: NodeEvent;
}

/** Per-input counters, as `node.stats()` reports them. */
export interface InputStats {
  /** Messages that reached this node's queue (including those dropped or discarded later). */
  received: number;
  /** Messages dropped by the queue policy (drop_oldest, queue full), oldest first. */
  dropped: number;
  /**
   * Messages that reached this node after it stopped taking events (after STOP, or after the
   * program finished with `close()`), plus those still queued then: sent to it, never read.
   * Always 0 for timer inputs (a tick nobody waits for is not a lost message).
   */
  discarded: number;
  /** Messages queued now, waiting to be read. */
  pending: number;
}

/**
 * One input's queue. Drop-oldest queues may overrun the capacity while one read of the socket
 * is being unpacked; `trim()` (run at the end of that event-loop turn, after the consumer has
 * had its chance to drain) drops the oldest beyond the capacity and counts them. Backpressure
 * queues never reach past the capacity: the owner pauses the input when it is full, and a
 * paused subscription delivers nothing more (see Subscription.pause).
 */
interface InputQueue {
  readonly id: string;
  readonly policy: QueuePolicy;
  readonly entries: BoundedQueue<Entry>;
  /** False for timer inputs, whose ticks are not counted as discarded. */
  readonly carriesMessages: boolean;
  received: number;
  discarded: number;
}

/**
 * The node's event buffer: one bounded queue per input plus a queue for control events
 * (STOP, INPUT_CLOSED, ERROR, NODE_FAILED), read in arrival order. A drop-oldest input that is
 * still over its capacity at the end of an event-loop turn drops its own oldest messages only;
 * other inputs are unaffected. A backpressure input never
 * drops: `onFull` asks the owner to pause that input's subscription, `onSpace` to resume it.
 */
export class InputQueues implements ItemSource<NodeEvent> {
  readonly #inputs = new Map<string, InputQueue>();
  readonly #control: Entry[] = [];
  #seq = 0;
  #length = 0;
  #trimScheduled = false;
  #intakeClosed = false;
  /** The event handed out last, until the program takes the next one (or `settle()`). */
  #handedOut: NodeEvent | undefined;

  /**
   * @param hooks `onFull`/`onSpace` pause and resume a backpressure input; `onTaken` is called
   *   for every message of a backpressure input the program takes (to return flow-control credit);
   *   `onDropped` for every message dropped or discarded without reaching the program;
   *   `onMovedOn` for the event handed out last, when the program asks for the next one.
   */
  constructor(
    private readonly hooks: {
      onFull?: (inputId: string) => void;
      onSpace?: (inputId: string) => void;
      onTaken?: (inputId: string) => void;
      onDropped?: (event: NodeEvent) => void;
      onMovedOn?: (event: NodeEvent) => void;
    } = {},
  ) {}

  /** Adds an input; `carriesMessages` is false for a timer input. */
  addInput(id: string, capacity: number, policy: QueuePolicy, carriesMessages = true): void {
    this.#inputs.set(id, { id, policy, entries: new BoundedQueue<Entry>(capacity), carriesMessages, received: 0, discarded: 0 });
  }

  /**
   * The program takes no more events (STOP was handled, or it closed the node): messages still
   * queued and every message that arrives later count as discarded; nothing more is queued.
   * Idempotent.
   */
  closeIntake(): void {
    if (this.#intakeClosed) return;
    this.trim();
    this.#intakeClosed = true;
    for (const queue of this.#inputs.values()) {
      if (queue.carriesMessages) queue.discarded += queue.entries.length;
      this.#length -= queue.entries.length;
      for (let entry = queue.entries.shift(); entry !== undefined; entry = queue.entries.shift()) this.hooks.onDropped?.(entry.event);
    }
  }

  /** Counts a message that arrived after the program stopped taking events. */
  discard(id: string): void {
    const queue = this.#inputs.get(id);
    if (queue?.carriesMessages) {
      queue.received++;
      queue.discarded++;
    }
  }

  get length(): number {
    return this.#length;
  }

  /** Queues an input message, dropping that input's oldest when full (drop_oldest). */
  pushInput(id: string, event: NodeEvent): void {
    const queue = this.#inputs.get(id);
    if (!queue) return;
    if (this.#intakeClosed) {
      this.discard(id);
      this.hooks.onDropped?.(event);
      return;
    }
    const entries = queue.entries;
    queue.received++;
    entries.append({ seq: this.#seq++, event });
    this.#length++;
    if (entries.length < entries.capacity) return;
    if (queue.policy === "backpressure") this.hooks.onFull?.(id);
    else if (entries.length > entries.capacity && !this.#trimScheduled) {
      this.#trimScheduled = true;
      setImmediate(() => this.trim());
    }
  }

  /** Applies drop-oldest bounds now (normally run at the end of the turn that overran them). */
  trim(): void {
    this.#trimScheduled = false;
    const onDrop = this.hooks.onDropped ? (entry: Entry) => this.hooks.onDropped!(entry.event) : undefined;
    for (const queue of this.#inputs.values()) if (queue.policy === "drop_oldest") this.#length -= queue.entries.trim(onDrop);
  }

  /** Queues a control event; these are never dropped. */
  pushControl(event: NodeEvent): void {
    this.#control.push({ seq: this.#seq++, event });
    this.#length++;
  }

  /**
   * The next event, oldest first across inputs and control events. Asking for it means the
   * program is done with the event handed out before (`onMovedOn`).
   */
  shift(): NodeEvent | undefined {
    this.settle();
    if (this.#length === 0) return undefined;
    let best: InputQueue | undefined;
    let bestSeq = this.#control.length > 0 ? this.#control[0]!.seq : Infinity;
    for (const queue of this.#inputs.values()) {
      const head = queue.entries.peek();
      if (head && head.seq < bestSeq) {
        best = queue;
        bestSeq = head.seq;
      }
    }
    this.#length--;
    if (!best) return this.#control.shift()!.event;
    const entry = best.entries.shift()!;
    if (best.policy === "backpressure") {
      this.hooks.onTaken?.(best.id);
      if (best.entries.length === best.entries.capacity - 1) this.hooks.onSpace?.(best.id);
    }
    this.#handedOut = entry.event;
    return entry.event;
  }

  /** The program is done with the input event handed out last (it moved on, or closed the node): `onMovedOn` it, once. */
  settle(): void {
    const event = this.#handedOut;
    if (event === undefined) return;
    this.#handedOut = undefined;
    this.hooks.onMovedOn?.(event);
  }

  /**
   * Counters per input. Applies pending drop_oldest bounds first, so the counts are final for
   * what has arrived: the drops reported to the daemon later agree with what the program saw.
   */
  stats(): Record<string, InputStats> {
    if (this.#trimScheduled) this.trim();
    const stats: Record<string, InputStats> = {};
    for (const [id, queue] of this.#inputs) stats[id] = { received: queue.received, dropped: queue.entries.drops, discarded: queue.discarded, pending: queue.entries.length };
    return stats;
  }
}
