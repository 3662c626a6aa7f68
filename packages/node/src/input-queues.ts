import { type NodeEvent, type QueuePolicy } from "@rivulet/core";
import { BoundedQueue, type ItemSource } from "@rivulet/core/internal";

interface Entry {
  seq: number;
  event: NodeEvent;
}

/** Per-input counters, as `node.stats()` reports them. */
export interface InputStats {
  received: number;
  dropped: number;
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
  received: number;
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

  constructor(private readonly hooks: { onFull?: (inputId: string) => void; onSpace?: (inputId: string) => void } = {}) {}

  addInput(id: string, capacity: number, policy: QueuePolicy): void {
    this.#inputs.set(id, { id, policy, entries: new BoundedQueue<Entry>(capacity), received: 0 });
  }

  get length(): number {
    return this.#length;
  }

  /** Queues an input message, dropping that input's oldest when full (drop_oldest). */
  pushInput(id: string, event: NodeEvent): void {
    const queue = this.#inputs.get(id);
    if (!queue) return;
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
    for (const queue of this.#inputs.values()) if (queue.policy === "drop_oldest") this.#length -= queue.entries.trim();
  }

  /** Queues a control event; these are never dropped. */
  pushControl(event: NodeEvent): void {
    this.#control.push({ seq: this.#seq++, event });
    this.#length++;
  }

  shift(): NodeEvent | undefined {
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
    if (best.policy === "backpressure" && best.entries.length === best.entries.capacity - 1) this.hooks.onSpace?.(best.id);
    return entry.event;
  }

  stats(): Record<string, InputStats> {
    const stats: Record<string, InputStats> = {};
    for (const [id, queue] of this.#inputs) stats[id] = { received: queue.received, dropped: queue.entries.drops, pending: queue.entries.length };
    return stats;
  }
}
