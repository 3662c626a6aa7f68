/**
 * Items a socket handler pushes and a test awaits one at a time, each wait bounded: the
 * shared reading side of the raw MQTT and NATS clients of these tests.
 */
export class Inbox<T> {
  #items: T[] = [];
  #wake: (() => void) | undefined;
  #ended = false;
  #cause: Error | undefined;

  constructor(private readonly what: string) {}

  push(item: T): void {
    this.#items.push(item);
    this.#wake?.();
  }

  /**
   * No more items will come (the socket closed, after `cause` if it failed): a waiting `next`
   * rejects once the rest is taken, with `cause` chained.
   */
  end(cause?: Error): void {
    this.#ended = true;
    this.#cause = cause;
    this.#wake?.();
  }

  /** The next item; rejects when none comes within `timeoutMs` or the socket closed first. */
  async next(timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.#items.length === 0) {
      if (this.#ended) throw new Error(`the connection closed before the next ${this.what}${this.#cause ? `: ${this.#cause.message}` : ""}`, { cause: this.#cause });
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${this.what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    return this.#items.shift()!;
  }
}
