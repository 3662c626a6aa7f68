/**
 * The last `capacity` ids added, oldest forgotten first: a bounded memory of the requests (or
 * goals) a client stopped waiting for, so that a reply arriving afterwards can be told from a
 * reply to another client. Memory stays bounded however many requests a long-running node makes.
 */
export class RecentIds {
  // A Set iterates in insertion order, so its first entry is the oldest.
  readonly #ids = new Set<string>();

  constructor(readonly capacity = 1024) {}

  add(id: string): void {
    this.#ids.delete(id);
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) this.#ids.delete(this.#ids.values().next().value!);
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  get size(): number {
    return this.#ids.size;
  }
}
