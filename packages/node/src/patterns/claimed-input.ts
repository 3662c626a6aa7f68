import type { InputEvent, PullOptions } from "@rivulet/core";
import { type ItemSource, QueuedIterator } from "@rivulet/core/internal";
import type { ClaimEnd, InputClaim } from "./pattern-host.js";

/**
 * An input claimed by a pattern (see `InputClaim`): a single-consumer iterator over the input's
 * own queue (`source`), woken by its owner's `notify()` and ended by `end()`. The owner (the
 * node's input side, or a test's loopback) keeps the queue; this class only hands its events
 * out and tells listeners how the claim ended.
 */
export class ClaimedInput implements InputClaim {
  readonly #events: QueuedIterator<InputEvent>;
  #ended: ClaimEnd | undefined;
  #released = false;
  readonly #listeners: ((end: ClaimEnd) => void)[] = [];

  /**
   * @param onWaiting as QueuedIterator's: keeps the process alive while a reader waits.
   * @param onRelease the pattern let the input go (with `unread` events it took and never
   *   handed out): the owner stops queueing for it and counts them as discarded.
   */
  constructor(
    readonly inputId: string,
    source: ItemSource<InputEvent>,
    onWaiting: (waiting: boolean) => void,
    private readonly onRelease: (unread: number) => void,
  ) {
    this.#events = new QueuedIterator(source, onWaiting);
  }

  get ended(): ClaimEnd | undefined {
    return this.#ended;
  }

  recv(options?: PullOptions): Promise<InputEvent | null> {
    return this.#events.pull(options);
  }

  [Symbol.asyncIterator](): AsyncIterator<InputEvent> {
    return this.#events;
  }

  onEnd(listener: (end: ClaimEnd) => void): void {
    if (this.#ended) listener(this.#ended);
    else this.#listeners.push(listener);
  }

  release(unread = 0): void {
    if (this.#released) return;
    this.#released = true;
    this.onRelease(unread);
    this.end({ reason: "released" });
  }

  /** The owner queued events for this input: wake the reader. */
  notify(): void {
    this.#events.notify();
  }

  /** The claim ends (events queued before are still read); listeners hear why, once. */
  end(end: ClaimEnd): void {
    if (this.#ended) return;
    this.#ended = end;
    this.#events.end();
    for (const listener of this.#listeners.splice(0)) listener(end);
  }
}
