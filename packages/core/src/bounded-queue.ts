/**
 * A fixed-capacity FIFO ring buffer. When full, `push` drops the oldest item (and counts it);
 * callers that want flow control instead check `isFull` before pushing.
 */
export class BoundedQueue<T> {
  readonly #items: (T | undefined)[];
  #head = 0;
  #length = 0;
  #drops = 0;

  /** @param capacity the most items held at once; at least 1. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    this.#items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.#length;
  }

  get isFull(): boolean {
    return this.#length === this.capacity;
  }

  /** Items dropped because the queue was full. */
  get drops(): number {
    return this.#drops;
  }

  /** Appends an item; when full, drops and returns the oldest one. */
  push(item: T): T | undefined {
    let dropped: T | undefined;
    if (this.#length === this.capacity) {
      dropped = this.shift();
      this.#drops++;
    }
    this.#items[(this.#head + this.#length) % this.capacity] = item;
    this.#length++;
    return dropped;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#items[this.#head];
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#length--;
    return item;
  }

  /** The items, oldest first, as a new array. */
  toArray(): T[] {
    const items: T[] = [];
    for (let i = 0; i < this.#length; i++) items.push(this.#items[(this.#head + i) % this.capacity] as T);
    return items;
  }

  /** Removes every item. */
  clear(): void {
    while (this.#length > 0) this.shift();
  }
}
