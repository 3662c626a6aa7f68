import type { Publisher, Subscription } from "./transport.js";

/**
 * The publishers and subscriptions one Transport opened, closed together by its `close()`: what
 * every transport keeps (`Transport.close` closes every publisher and subscription it made).
 *
 * ```ts
 * readonly #ends = new OpenEnds();
 * async publish(channel) { return this.#ends.track(await MyPublisher.open(channel)); }
 * close() { return this.#ends.closeAll(); }
 * ```
 */
export class OpenEnds {
  readonly #open = new Set<Publisher | Subscription>();

  /** Keeps `end` to be closed with the others; returns it. */
  track<T extends Publisher | Subscription>(end: T): T {
    this.#open.add(end);
    return end;
  }

  /** Closes every end kept so far, each once (a later close finds none of them). */
  async closeAll(): Promise<void> {
    const open = [...this.#open];
    this.#open.clear();
    await Promise.all(open.map((end) => end.close()));
  }
}
