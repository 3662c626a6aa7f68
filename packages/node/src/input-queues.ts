import type { InputEvent, NodeEvent, QueuePolicy } from "@rivulet/core";
import { BoundedQueue, type ItemSource } from "@rivulet/core/internal";
import { KEYS } from "./patterns/pattern-keys.js";

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
  /**
   * Messages removed unread by a later `flush` message of the same input (streaming barge-in):
   * what was queued before it, except messages correlated to a request or a goal.
   */
  flushed: number;
  /** Messages queued now, waiting to be read. */
  pending: number;
}

/** Parameters that mark a message as part of a request or a goal: a flush never removes it. */
const CORRELATION_KEYS = [KEYS.requestId, KEYS.goalId];

function isCorrelated(parameters: Readonly<Record<string, unknown>>): boolean {
  return CORRELATION_KEYS.some((key) => key in parameters);
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
  flushed: number;
  /** Read by a pattern (`claim`), not by the main event stream. */
  claimed: boolean;
  /** The pattern that claimed it let it go: arrivals are discarded. */
  released: boolean;
  /**
   * Claimed for replies correlated by id (a service or action client): a correlated message it
   * never reads (the client had ended) is nobody's loss here, not counted as discarded.
   */
  replies: boolean;
  /** The event a claim's reader took last, until it takes the next one. */
  handedOut: NodeEvent | undefined;
}

/**
 * The node's event buffer: one bounded queue per input plus a queue for control events
 * (STOP, INPUT_CLOSED, ERROR, NODE_FAILED), read in arrival order. A drop-oldest input that is
 * still over its capacity at the end of an event-loop turn drops its own oldest messages only;
 * other inputs are unaffected. A backpressure input never
 * drops: `onFull` asks the owner to pause that input's subscription, `onSpace` to resume it.
 * An input claimed by a pattern (`claim`) keeps its queue and policy but is read through its
 * own source, not `shift()`. A message with the typed `flush` flag removes the older messages
 * queued on its input (`#flush`), except those correlated to a request or a goal.
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
    this.#inputs.set(id, { id, policy, entries: new BoundedQueue<Entry>(capacity), carriesMessages, received: 0, discarded: 0, flushed: 0, claimed: false, released: false, replies: false, handedOut: undefined });
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
      this.#settleClaimed(queue);
      if (!queue.claimed) this.#length -= queue.entries.length;
      this.#discardQueued(queue);
    }
  }

  /**
   * Counts a message that arrived after the program stopped taking events (a correlated reply on
   * a reply input is received, not discarded: see `InputQueue.replies`).
   */
  discard(id: string, parameters?: Readonly<Record<string, unknown>>): void {
    const queue = this.#inputs.get(id);
    if (!queue?.carriesMessages) return;
    queue.received++;
    if (!(queue.replies && parameters && isCorrelated(parameters))) queue.discarded++;
  }

  /** Discards what `queue` holds, counted as `discard` does. */
  #discardQueued(queue: InputQueue): void {
    for (let entry = queue.entries.shift(); entry !== undefined; entry = queue.entries.shift()) {
      if (queue.carriesMessages && !(queue.replies && isCorrelated(entry.event.metadata.parameters))) queue.discarded++;
      this.hooks.onDropped?.(entry.event);
    }
  }

  get length(): number {
    return this.#length;
  }

  /** Queues an input message, dropping that input's oldest when full (drop_oldest). */
  pushInput(id: string, event: NodeEvent): void {
    const queue = this.#inputs.get(id);
    if (!queue) return;
    if (this.#intakeClosed || queue.released) {
      this.discard(id, event.metadata.parameters);
      this.hooks.onDropped?.(event);
      return;
    }
    const entries = queue.entries;
    queue.received++;
    if (event.type === "INPUT" && event.metadata.flush === true && entries.length > 0) this.#flush(queue);
    entries.append({ seq: this.#seq++, event });
    if (!queue.claimed) this.#length++;
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
    for (const queue of this.#inputs.values()) {
      if (queue.policy !== "drop_oldest") continue;
      const dropped = queue.entries.trim(onDrop);
      if (!queue.claimed) this.#length -= dropped;
    }
  }

  /**
   * Takes input `id` out of the main stream for a pattern: its messages, those queued now
   * included, are read from the returned source only (in order, with the same queue bound and
   * policy), and `shift()` skips them. Returns undefined for an unknown input.
   * @param replies the input carries replies correlated by id (see `InputQueue.replies`).
   */
  claim(id: string, replies = false): ItemSource<InputEvent> | undefined {
    const queue = this.#inputs.get(id);
    if (!queue) return undefined;
    queue.replies = replies;
    if (!queue.claimed) {
      queue.claimed = true;
      this.#length -= queue.entries.length;
    }
    return {
      shift: () => this.#shiftClaimed(queue),
      get length() {
        return queue.entries.length;
      },
    };
  }

  /**
   * The pattern let input `id` go: what is queued, what arrives later, and `unread` messages it
   * had taken and never handed to the program, are discarded and counted.
   */
  release(id: string, unread = 0): void {
    const queue = this.#inputs.get(id);
    if (!queue?.claimed || queue.released) return;
    queue.released = true;
    if (queue.carriesMessages) queue.discarded += unread;
    this.#settleClaimed(queue);
    this.#discardQueued(queue);
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
      if (queue.claimed) continue;
      const head = queue.entries.peek();
      if (head && head.seq < bestSeq) {
        best = queue;
        bestSeq = head.seq;
      }
    }
    this.#length--;
    if (!best) return this.#control.shift()!.event;
    this.#handedOut = this.#take(best);
    return this.#handedOut;
  }

  /** The oldest message of `queue`, returning flow-control credit for a backpressure input. */
  #take(queue: InputQueue): NodeEvent {
    const entry = queue.entries.shift()!;
    if (queue.policy === "backpressure") {
      this.hooks.onTaken?.(queue.id);
      if (queue.entries.length === queue.entries.capacity - 1) this.hooks.onSpace?.(queue.id);
    }
    return entry.event;
  }

  /** The next message of a claimed input; asking for it settles the one its reader took before. */
  #shiftClaimed(queue: InputQueue): InputEvent | undefined {
    this.#settleClaimed(queue);
    if (queue.entries.length === 0) return undefined;
    queue.handedOut = this.#take(queue);
    return queue.handedOut as InputEvent;
  }

  #settleClaimed(queue: InputQueue): void {
    const event = queue.handedOut;
    if (event === undefined) return;
    queue.handedOut = undefined;
    this.hooks.onMovedOn?.(event);
  }

  /**
   * A flush message arrived on `queue`: its older messages go, counted as `flushed`, except
   * those correlated to a request or a goal (a reply must still reach its waiting client).
   * Backpressure credit of the removed messages goes back as if they had been read.
   */
  #flush(queue: InputQueue): void {
    const entries = queue.entries;
    const wasFull = entries.length >= entries.capacity;
    const kept: Entry[] = [];
    for (let entry = entries.shift(); entry !== undefined; entry = entries.shift()) {
      if (isCorrelated(entry.event.metadata.parameters)) {
        kept.push(entry);
        continue;
      }
      queue.flushed++;
      if (!queue.claimed) this.#length--;
      if (queue.policy === "backpressure") this.hooks.onTaken?.(queue.id);
      this.hooks.onDropped?.(entry.event);
    }
    for (const entry of kept) entries.append(entry);
    if (queue.policy === "backpressure" && wasFull && entries.length < entries.capacity) this.hooks.onSpace?.(queue.id);
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
    for (const [id, queue] of this.#inputs) stats[id] = { received: queue.received, dropped: queue.entries.drops, discarded: queue.discarded, flushed: queue.flushed, pending: queue.entries.length };
    return stats;
  }
}
