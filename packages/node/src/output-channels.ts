import {
  type FrameHeader,
  type HybridClock,
  type OutputConfig,
  type Parameter,
  type Publisher,
  type SendableValue,
  encodeFrameHead,
  encodeValue,
} from "@rivulet/core";

/** Per-output counters, as `node.stats()` reports them. */
export interface OutputStats {
  sent: number;
  dropped: number;
  subscribers: number;
}

/**
 * One output: encodes each value once and hands the same bytes to every transport channel the
 * output is published on (no copy per consumer).
 */
export class OutputChannel {
  #seq = 0;

  constructor(
    readonly config: OutputConfig,
    readonly publishers: Publisher[],
    private readonly clock: HybridClock,
  ) {}

  /** Encodes and sends; resolves at once unless a flow-controlled consumer is behind. */
  send(value: SendableValue, parameters: Record<string, Parameter>, signal?: AbortSignal): Promise<void> | undefined {
    const payload = encodeValue(value);
    return this.sendEncoded(payload.encoding, payload.chunks, parameters, signal);
  }

  /** Sends already-encoded payload chunks. */
  sendEncoded(encoding: FrameHeader["encoding"], chunks: Uint8Array[], parameters: Record<string, Parameter>, signal?: AbortSignal): Promise<void> | undefined {
    const head = encodeFrameHead({ encoding, seq: ++this.#seq, timestamp: this.clock.now(), parameters });
    const frame = [head, ...chunks];
    let waits: Promise<void>[] | undefined;
    for (const publisher of this.publishers) {
      const wait = publisher.send(frame, { signal });
      if (wait) (waits ??= []).push(wait);
    }
    if (!waits) return undefined;
    return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => undefined);
  }

  stats(): OutputStats {
    let dropped = 0;
    let subscribers = 0;
    for (const publisher of this.publishers) {
      dropped += publisher.drops;
      subscribers += publisher.subscriberCount;
    }
    return { sent: this.#seq, dropped, subscribers };
  }

  async close(): Promise<void> {
    await Promise.all(this.publishers.map((p) => p.close()));
  }
}
