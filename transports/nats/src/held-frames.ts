/**
 * Bytes of frames a paused subscription holds as they come before it starts dropping: what a
 * socket transport has already read when its consumer pauses. After them it keeps only the
 * newest `queueSize` frames.
 */
export const HELD_PREFIX_BYTES = 64 * 1024;

/**
 * The frames a paused NATS subscription holds, bounded: the first frames that arrive, up to
 * HELD_PREFIX_BYTES, and after them the newest `queueSize`; the frames in between are dropped
 * as newer ones come (drop_oldest on the subscriber side) and counted in `drops`. The broker
 * keeps sending whatever the consumer does, so this is where a slow consumer loses frames.
 */
export class HeldFrames {
  #frames: Uint8Array[] = [];
  /** How many frames at the front are the prefix (never dropped). */
  #prefix = 0;
  #prefixBytes = 0;
  #drops = 0;

  constructor(private readonly queueSize: number) {}

  get length(): number {
    return this.#frames.length;
  }

  /** Frames dropped so far. */
  get drops(): number {
    return this.#drops;
  }

  push(frame: Uint8Array): void {
    const ring = this.#frames.length - this.#prefix;
    if (ring === 0 && this.#prefixBytes + frame.byteLength <= HELD_PREFIX_BYTES) {
      this.#frames.push(frame);
      this.#prefix++;
      this.#prefixBytes += frame.byteLength;
      return;
    }
    this.#frames.push(frame);
    if (ring + 1 > this.queueSize) {
      this.#frames.splice(this.#prefix, 1);
      this.#drops++;
    }
  }

  /** The oldest frame held, taken out; undefined when none. */
  shift(): Uint8Array | undefined {
    const frame = this.#frames.shift();
    if (frame && this.#prefix > 0) {
      this.#prefix--;
      this.#prefixBytes -= frame.byteLength;
    }
    return frame;
  }
}
