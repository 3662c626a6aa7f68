import { HeldFrames } from "./held-frames.js";

/**
 * What a subscription whose publisher cannot see it (a broker in between) does with the numbered
 * frames it receives, on every such transport: a frame numbered below the next expected one is
 * old (a redelivery, or sent before this subscriber joined) and skipped; one numbered beyond it
 * means the frames between were lost, counted in `drops`; while paused, frames are held in
 * HeldFrames (its own drops counted too) and delivered in order on `resume()`; the end of the
 * channel is reported once, after every held frame.
 *
 * ```ts
 * const inbox = new SequencedInbox(queueSize, (frame) => onFrame(frame), (error) => settle(error));
 * inbox.startAt(firstSeq);          // where the publisher's numbering is when this subscriber joined
 * inbox.take(seq, frame);           // every numbered frame as it comes
 * inbox.end(undefined, finalCount); // END: frames up to finalCount that never came are drops
 * ```
 */
export class SequencedInbox {
  readonly #held: HeldFrames;
  #next = 0;
  #gaps = 0;
  #paused = false;
  #delivering = false;
  #end: { error: Error | undefined } | undefined;
  #reported = false;

  /**
   * @param queueSize the input's `queue_size`: how many of the newest frames a pause keeps (HeldFrames).
   * @param onFrame each frame, in order, while not paused.
   * @param onEnd the channel's end (`undefined`) or loss, once, after every frame delivered.
   */
  constructor(
    queueSize: number,
    private readonly onFrame: (frame: Uint8Array) => void,
    private readonly onEnd: (error: Error | undefined) => void,
  ) {
    this.#held = new HeldFrames(Math.max(1, queueSize));
  }

  /** Frames lost: dropped while paused, or missing from the numbering. */
  get drops(): number {
    return this.#held.drops + this.#gaps;
  }

  /** The number the next frame should carry. */
  get next(): number {
    return this.#next;
  }

  /** True once the end is known (it may still wait for held frames to be delivered). */
  get ended(): boolean {
    return this.#end !== undefined;
  }

  /** The publisher's numbering is at `seq` (it just answered this subscriber, or a new publisher instance started over). */
  startAt(seq: number): void {
    this.#next = seq;
  }

  /** True for a number below the next expected one: already taken, or sent before this subscriber. */
  isOld(seq: number): boolean {
    return seq < this.#next;
  }

  /** The publisher has sent frames up to (not including) `seq`: those that never came are counted lost. */
  skipTo(seq: number): void {
    if (seq <= this.#next) return;
    this.#gaps += seq - this.#next;
    this.#next = seq;
  }

  /** Frame number `seq`: skipped when old, delivered at once when nothing is held and not paused, else held. */
  take(seq: number, frame: Uint8Array): void {
    if (this.isOld(seq)) return;
    this.skipTo(seq);
    this.#next = seq + 1;
    if (!this.#paused && this.#held.length === 0) this.onFrame(frame);
    else this.#held.push(frame);
  }

  /** The channel ended (`undefined`) or broke, after `sent` frames when known: reported after the held frames. Once. */
  end(error: Error | undefined, sent?: number): void {
    if (this.#end) return;
    if (sent !== undefined) this.skipTo(sent);
    this.#end = { error };
    this.#flush();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#flush();
  }

  /** The subscriber closed: nothing more is delivered or reported; `drops` stays. */
  close(): void {
    this.#reported = true;
    this.#held.clear();
  }

  /** Delivers the held frames, then the end once known, while not paused. */
  #flush(): void {
    if (this.#delivering) return; // The loop below (further up the stack: onFrame resumed) goes on.
    this.#delivering = true;
    try {
      let frame: Uint8Array | undefined;
      while (!this.#paused && !this.#reported && (frame = this.#held.shift())) this.onFrame(frame);
    } finally {
      this.#delivering = false;
    }
    if (this.#paused || !this.#end || this.#reported) return;
    this.#reported = true;
    this.onEnd(this.#end.error);
  }
}
