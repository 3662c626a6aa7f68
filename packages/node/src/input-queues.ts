import type { ItemSource, NodeEvent, QueuePolicy } from "@rivulet/core";

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
 * One input's queue, a FIFO with a capacity. Drop-oldest queues may overrun the capacity while
 * one read of the socket is being unpacked; `trim()` (run at the end of that event-loop turn,
 * after the consumer has had its chance to drain) drops the oldest beyond the capacity and
 * counts them. Backpressure queues never drop; the owner pauses the input instead.
 */
class InputQueue {
  readonly #items: (Entry | undefined)[] = [];
  #head = 0;
  received = 0;
  drops = 0;

  constructor(
    readonly id: string,
    readonly capacity: number,
    readonly policy: QueuePolicy,
  ) {}

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(entry: Entry): void {
    this.received++;
    this.#items.push(entry);
  }

  peek(): Entry | undefined {
    return this.#items[this.#head];
  }

  shift(): Entry | undefined {
    const entry = this.#items[this.#head];
    if (entry === undefined) return undefined;
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    return entry;
  }

  /** Drops the oldest entries beyond the capacity; returns how many. */
  trim(): number {
    let dropped = 0;
    while (this.length > this.capacity) {
      this.shift();
      dropped++;
    }
    this.drops += dropped;
    return dropped;
  }
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
    this.#inputs.set(id, new InputQueue(id, capacity, policy));
  }

  get length(): number {
    return this.#length;
  }

  /** Queues an input message, dropping that input's oldest when full (drop_oldest). */
  pushInput(id: string, event: NodeEvent): void {
    const queue = this.#inputs.get(id);
    if (!queue) return;
    const before = queue.length;
    queue.push({ seq: this.#seq++, event });
    this.#length += queue.length - before;
    if (queue.length < queue.capacity) return;
    if (queue.policy === "backpressure") this.hooks.onFull?.(id);
    else if (queue.length > queue.capacity && !this.#trimScheduled) {
      this.#trimScheduled = true;
      setImmediate(() => this.trim());
    }
  }

  /** Applies drop-oldest bounds now (normally run at the end of the turn that overran them). */
  trim(): void {
    this.#trimScheduled = false;
    for (const queue of this.#inputs.values()) if (queue.policy === "drop_oldest") this.#length -= queue.trim();
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
      const head = queue.peek();
      if (head && head.seq < bestSeq) {
        best = queue;
        bestSeq = head.seq;
      }
    }
    this.#length--;
    if (!best) return this.#control.shift()!.event;
    const entry = best.shift()!;
    if (best.policy === "backpressure" && best.length === best.capacity - 1) this.hooks.onSpace?.(best.id);
    return entry.event;
  }

  stats(): Record<string, InputStats> {
    const stats: Record<string, InputStats> = {};
    for (const [id, queue] of this.#inputs) stats[id] = { received: queue.received, dropped: queue.drops, pending: queue.length };
    return stats;
  }
}
