/**
 * Bytes of frames a paused subscription holds as they come before it starts dropping: what a
 * socket transport has already read when its consumer pauses. After them it keeps only the
 * newest `queueSize` frames.
 */
export const HELD_PREFIX_BYTES = 64 * 1024;

/**
 * The frames a paused subscription holds when its publisher cannot see it (a broker in
 * between, which keeps sending whatever the consumer does): drop_oldest on the subscriber side,
 * bounded. It keeps the first frames that arrive, up to HELD_PREFIX_BYTES, as a socket would
 * have read them, and after them the newest `queueSize`; the frames in between are dropped as
 * newer ones come and counted in `drops`. The prefix is never dropped, so a frame the consumer
 * needs before the others (a type definition sent first) survives a long pause. A frame larger
 * than HELD_PREFIX_BYTES when nothing is held goes to the newest ones (it may be dropped).
 *
 * ```ts
 * const held = new HeldFrames(2);
 * for (const frame of frames) held.push(frame); // while paused
 * let frame; while ((frame = held.shift())) deliver(frame); // on resume, oldest first
 * held.drops; // how many were dropped
 * ```
 */
export class HeldFrames {
  #frames: Uint8Array[] = [];
  /** How many frames at the front are the prefix (never dropped). */
  #prefix = 0;
  #prefixBytes = 0;
  #drops = 0;

  /** @param queueSize how many of the newest frames are kept after the prefix (at least 1). */
  constructor(private readonly queueSize: number) {}

  /** Frames held now. */
  get length(): number {
    return this.#frames.length;
  }

  /** Frames dropped so far (never decreases). */
  get drops(): number {
    return this.#drops;
  }

  /** Holds `frame` after the others; drops the oldest frame after the prefix when more than `queueSize` follow it. */
  push(frame: Uint8Array): void {
    const ring = this.#frames.length - this.#prefix;
    if (ring === 0 && this.#prefixBytes + frame.byteLength <= HELD_PREFIX_BYTES) {
      this.#frames.push(frame);
      this.#prefix++;
      this.#prefixBytes += frame.byteLength;
      return;
    }
    this.#frames.push(frame);
    if (ring + 1 > Math.max(1, this.queueSize)) {
      this.#frames.splice(this.#prefix, 1);
      this.#drops++;
    }
  }

  /** The oldest frame held, taken out; undefined when none. Once nothing is held, the next frames make a new prefix. */
  shift(): Uint8Array | undefined {
    const frame = this.#frames.shift();
    if (frame && this.#prefix > 0) {
      this.#prefix--;
      this.#prefixBytes -= frame.byteLength;
    }
    return frame;
  }

  /** Lets go of every frame held (a subscriber that closed); `drops` stays. */
  clear(): void {
    this.#frames = [];
    this.#prefix = 0;
    this.#prefixBytes = 0;
  }
}
