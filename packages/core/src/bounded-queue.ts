import { RivuletError } from "./errors.js";

/** A queue was created with a capacity that is not a positive integer. */
export class QueueCapacityError extends RivuletError {
  constructor(readonly capacity: number) {
    super(`queue capacity must be a positive integer, got ${capacity}`);
  }
}

/**
 * A FIFO with a capacity, on a ring buffer. `push` keeps the bound strictly: when full it drops
 * the oldest item and counts it. `append` lets the owner overrun the bound for a moment (a
 * burst read in one go, offered to the consumer first) and `trim` restores it later, dropping
 * and counting the oldest beyond the capacity; the ring grows for such an overrun and keeps
 * its size afterwards. Callers that want flow control instead check `isFull` before pushing.
 *
 * The one bounded FIFO of Rivulet: stderr tails, per-input event queues, and per-subscriber
 * frame queues of publishers all use it.
 */
export class BoundedQueue<T> {
  #items: (T | undefined)[];
  /** `#items.length - 1`; the ring's size is a power of two so that wrapping is a mask. */
  #mask: number;
  #head = 0;
  #length = 0;
  #drops = 0;

  /**
   * @param capacity the most items held once `trim` has run; at least 1.
   * @throws QueueCapacityError when `capacity` is not a positive integer.
   */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new QueueCapacityError(capacity);
    const size = 2 ** Math.ceil(Math.log2(capacity));
    this.#items = new Array<T | undefined>(size);
    this.#mask = size - 1;
  }

  get length(): number {
    return this.#length;
  }

  /** True when the queue holds `capacity` items or more. */
  get isFull(): boolean {
    return this.#length >= this.capacity;
  }

  /** Items dropped to keep the bound (by `push` when full, and by `trim`). */
  get drops(): number {
    return this.#drops;
  }

  /** Appends an item; when full, drops and returns the oldest one (counted in `drops`). */
  push(item: T): T | undefined {
    let dropped: T | undefined;
    if (this.#length >= this.capacity) {
      dropped = this.shift();
      this.#drops++;
    }
    this.append(item);
    return dropped;
  }

  /**
   * Appends an item even beyond the capacity (nothing is dropped here); the owner must call
   * `trim()` soon, for example at the end of the event-loop turn, to restore the bound.
   */
  append(item: T): void {
    if (this.#length > this.#mask) this.#grow();
    this.#items[(this.#head + this.#length) & this.#mask] = item;
    this.#length++;
  }

  /** Drops the oldest items beyond the capacity (counted in `drops`), each passed to `onDrop`; returns how many. */
  trim(onDrop?: (item: T) => void): number {
    let dropped = 0;
    while (this.#length > this.capacity) {
      const item = this.shift() as T;
      onDrop?.(item);
      dropped++;
    }
    this.#drops += dropped;
    return dropped;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#items[this.#head];
  }

  /** Removes and returns the oldest item; `undefined` when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    return item;
  }

  /** The items, oldest first, as a new array. */
  toArray(): T[] {
    const items: T[] = [];
    for (let i = 0; i < this.#length; i++) items.push(this.#items[(this.#head + i) & this.#mask] as T);
    return items;
  }

  /** Removes every item (not counted as drops). */
  clear(): void {
    while (this.#length > 0) this.shift();
  }

  #grow(): void {
    const items = this.toArray();
    const size = this.#items.length * 2;
    items.length = size;
    this.#items = items;
    this.#mask = size - 1;
    this.#head = 0;
  }
}
