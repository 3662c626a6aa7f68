/**
 * A hybrid logical clock (HLC) in integer microseconds since the Unix epoch.
 *
 * `now()` never returns the same value twice in one process and never goes backwards; after
 * `update(remote)` it is strictly greater than `remote`, so causally later events get larger
 * timestamps across nodes even when wall clocks disagree by a little. Values stay below 2^53,
 * so they are exact as JS numbers and JSON-safe.
 */
export class HybridClock {
  #last = 0;

  constructor(private readonly wallMicros: () => number = wallClockMicros) {}

  /** A new timestamp, strictly greater than every earlier one of this clock. */
  now(): number {
    const wall = this.wallMicros();
    this.#last = wall > this.#last ? wall : this.#last + 1;
    return this.#last;
  }

  /** Merges a timestamp seen on a received message. */
  update(remote: number): void {
    if (remote > this.#last) this.#last = remote;
  }
}

const origin = performance.timeOrigin;

/** The wall clock in integer microseconds since the Unix epoch (the HLC's physical part). */
export function wallClockMicros(): number {
  return Math.floor((origin + performance.now()) * 1000);
}
