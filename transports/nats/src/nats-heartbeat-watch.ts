/** Heartbeat intervals without a message from the publisher after which a subscriber calls the channel lost. */
export const NATS_MISSED_HEARTBEATS = 3;

/**
 * A subscriber's watch over its publisher's heartbeats (core NATS: the broker does not tell when
 * a publisher dies). Every `heartbeatMs` it looks at the time since the last sign of life (`beat`)
 * and calls `onSilent` with it once that passed NATS_MISSED_HEARTBEATS intervals; the caller
 * decides what the silence means (it may be disconnected, or want to ask the server first). A
 * tick that comes far behind its time means this process was busy, so the silence may be its own:
 * the watch then starts counting again. The timer does not keep the process alive.
 */
export class HeartbeatWatch {
  #lastBeat = Date.now();
  #lastTick = Date.now();
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly heartbeatMs: number,
    private readonly onSilent: (silenceMs: number) => void,
  ) {
    this.#timer = setInterval(() => this.#tick(), heartbeatMs);
    this.#timer.unref();
  }

  /** The publisher showed a sign of life (a heartbeat, a frame), or the connection came back. */
  beat(): void {
    this.#lastBeat = Date.now();
  }

  /** True while the silence is past NATS_MISSED_HEARTBEATS intervals. */
  get silent(): boolean {
    return Date.now() - this.#lastBeat > NATS_MISSED_HEARTBEATS * this.heartbeatMs;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    const now = Date.now();
    if (now - this.#lastTick > 2 * this.heartbeatMs) this.#lastBeat = now;
    this.#lastTick = now;
    if (this.silent) this.onSilent(now - this.#lastBeat);
  }
}
