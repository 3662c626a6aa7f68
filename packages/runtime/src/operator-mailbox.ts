import type { NodeEvent, QueuePolicy } from "@rivulet/core";

/** The bound of one input of an operator: its `queue_size` and `queue_policy` from the YAML. */
export interface InputBound {
  queueSize: number;
  queuePolicy: QueuePolicy;
}

/** Counters of one input of an operator's mailbox. */
export interface MailboxInputStats {
  /** Events taken by the operator. */
  received: number;
  /** Events dropped by `drop_oldest` to keep the bound. */
  dropped: number;
  /** Events left unread when the operator ended. */
  discarded: number;
  pending: number;
}

interface InputSlot extends MailboxInputStats {
  bound: InputBound;
  /**
   * Events of this input waiting for room (`backpressure`), in order, each with its sender's
   * wake-up; an INPUT_CLOSED of the input waits behind them, so it never overtakes a message.
   */
  blocked: { event: NodeEvent; admitted: () => void }[];
}

/**
 * The events waiting for one operator, in arrival order across its inputs, with each input
 * bounded by its own `queue_size`: `drop_oldest` drops that input's oldest waiting message
 * (counted), `backpressure` makes the sender wait for room (`put` returns a promise, resolved
 * when the event is queued; the input's later events, and its INPUT_CLOSED, queue behind it).
 * Control events (INPUT_CLOSED, STOP, ...) are never dropped and do not count against a bound;
 * there are at most a few per input. Once the operator ended (`close`) arrivals are discarded,
 * counted, and waiting senders are let go.
 */
export class OperatorMailbox {
  #events: (NodeEvent | undefined)[] = [];
  #head = 0;
  readonly #inputs = new Map<string, InputSlot>();
  #closed = false;

  /** Input `id` of the operator, bounded by `bound`. */
  addInput(id: string, bound: InputBound): void {
    this.#inputs.set(id, { bound, blocked: [], received: 0, dropped: 0, discarded: 0, pending: 0 });
  }

  get length(): number {
    return this.#events.length - this.#head;
  }

  /**
   * Queues an event. An INPUT on a `backpressure` input that is full returns a promise that
   * resolves once the event is queued (or discarded because the operator ended).
   */
  put(event: NodeEvent): Promise<void> | undefined {
    if (event.type !== "INPUT") {
      if (this.#closed) return undefined;
      const input = event.type === "INPUT_CLOSED" ? this.#inputs.get(event.id) : undefined;
      if (input && input.blocked.length > 0) input.blocked.push({ event, admitted: () => {} });
      else this.#events.push(event);
      return undefined;
    }
    const input = this.#inputs.get(event.id);
    if (!input) throw new RangeError(`operator mailbox has no input '${event.id}'`);
    if (this.#closed) {
      input.discarded++;
      return undefined;
    }
    const full = input.pending >= input.bound.queueSize;
    if (input.blocked.length > 0 || (full && input.bound.queuePolicy === "backpressure")) {
      return new Promise<void>((admitted) => input.blocked.push({ event, admitted }));
    }
    if (full) this.#dropOldest(event.id, input);
    input.pending++;
    this.#events.push(event);
    return undefined;
  }

  /** The next event, or undefined when none is waiting. */
  take(): NodeEvent | undefined {
    if (this.#head >= this.#events.length) return undefined;
    const event = this.#events[this.#head]!;
    this.#events[this.#head++] = undefined;
    if (this.#head > 64 && this.#head * 2 > this.#events.length) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
    if (event.type === "INPUT") {
      const input = this.#inputs.get(event.id)!;
      input.pending--;
      input.received++;
      this.#admit(input);
    }
    return event;
  }

  /** Moves an input's blocked events into the queue while it has room, in order. */
  #admit(input: InputSlot): void {
    while (input.blocked.length > 0) {
      const head = input.blocked[0]!;
      if (head.event.type === "INPUT") {
        if (input.pending >= input.bound.queueSize) return;
        input.pending++;
      }
      input.blocked.shift();
      this.#events.push(head.event);
      head.admitted();
    }
  }

  /** The operator ended: what is waiting is discarded (counted) and waiting senders are let go. */
  close(): void {
    this.#closed = true;
    for (let event = this.take(); event; event = this.take()) {
      if (event.type !== "INPUT") continue;
      const input = this.#inputs.get(event.id)!;
      input.received--;
      input.discarded++;
    }
    for (const input of this.#inputs.values()) {
      for (const { event, admitted } of input.blocked.splice(0)) {
        if (event.type === "INPUT") input.discarded++;
        admitted();
      }
    }
  }

  /** Counters per input. */
  stats(): Record<string, MailboxInputStats> {
    const stats: Record<string, MailboxInputStats> = {};
    for (const [id, { received, dropped, discarded, pending }] of this.#inputs) stats[id] = { received, dropped, discarded, pending };
    return stats;
  }

  /** Removes the oldest waiting message of input `id` (the queue keeps its order otherwise). */
  #dropOldest(id: string, input: InputSlot): void {
    for (let i = this.#head; i < this.#events.length; i++) {
      const event = this.#events[i];
      if (event?.type === "INPUT" && event.id === id) {
        this.#events.splice(i, 1);
        (event as { release?: () => void }).release?.();
        input.pending--;
        input.dropped++;
        return;
      }
    }
  }
}
