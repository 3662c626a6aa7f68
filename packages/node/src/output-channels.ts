import { DEFAULT_STALL_REPORT_MS, type OutputConfig, type Parameter, type Publisher, type SendableValue } from "@rivulet/core";
import { type FrameHeader, type HybridClock, encodeFrameHead, encodeValue } from "@rivulet/core/internal";

/** Per-output counters, as `node.stats()` reports them. */
export interface OutputStats {
  /** Messages handed to the transports (not a count of deliveries). */
  sent: number;
  /** Messages drop_oldest consumers lost on this side (and backpressure ones left unsent when a consumer left). */
  dropped: number;
  /** Messages the program sent after STOP: not sent at all. */
  discarded: number;
  subscribers: number;
}

/** Who hears about sends that wait too long for flow-controlled consumers. */
export interface OutputStallHooks {
  /** A send has waited `stallReportMs` and still waits; called once per stalled send. */
  onStall(outputId: string, waitedMs: number): void;
  /** A send reported by `onStall` completed (or was aborted) after `waitedMs`. */
  onResume(outputId: string, waitedMs: number): void;
}

/**
 * One output: encodes each value once and hands the same bytes to every transport channel the
 * output is published on (no copy per consumer). A send that waits for a flow-controlled
 * consumer longer than `stallReportMs` is reported through the stall hooks, so a consumer that
 * stopped reading is named instead of freezing its producer silently.
 */
export class OutputChannel {
  #seq = 0;
  #discarded = 0;

  constructor(
    readonly config: OutputConfig,
    readonly publishers: Publisher[],
    private readonly clock: HybridClock,
    private readonly hooks?: OutputStallHooks,
    private readonly stallReportMs = DEFAULT_STALL_REPORT_MS,
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
    return this.#watch(waits.length === 1 ? waits[0]! : Promise.all(waits).then(() => undefined));
  }

  /** Counts a message the program sent after STOP, which is not sent. */
  discard(): void {
    this.#discarded++;
  }

  stats(): OutputStats {
    let dropped = 0;
    let subscribers = 0;
    for (const publisher of this.publishers) {
      dropped += publisher.drops;
      subscribers += publisher.subscriberCount;
    }
    return { sent: this.#seq, dropped, discarded: this.#discarded, subscribers };
  }

  async close(): Promise<void> {
    await Promise.all(this.publishers.map((p) => p.close()));
  }

  /** Reports the wait if it outlasts `stallReportMs`, and its end if it was reported. */
  #watch(wait: Promise<void>): Promise<void> {
    const hooks = this.hooks;
    if (!hooks) return wait;
    const started = performance.now();
    let stalled = false;
    const timer = setTimeout(() => {
      stalled = true;
      hooks.onStall(this.config.id, Math.round(performance.now() - started));
    }, this.stallReportMs);
    // The sender's own await keeps the process alive; the report must not.
    timer.unref();
    return wait.finally(() => {
      clearTimeout(timer);
      if (stalled) hooks.onResume(this.config.id, Math.round(performance.now() - started));
    });
  }
}
