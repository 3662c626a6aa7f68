import { DEFAULT_STALL_REPORT_MS, type FrameFields, type FrameLoan, type OutputConfig, type Parameter, type Publisher, type SendableValue } from "@rivulet/core";
import { type AssignedTypeId, type FrameHeader, type HybridClock, PayloadEncoding, type SendOptions, ValueEncoder, encodeFrameHead, withChannelId } from "@rivulet/core/internal";

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

/** A raw message reserved on an output (OutputChannel.reserve): its bytes, and how to send or give them back. */
export interface ReservedSample {
  readonly data: Uint8Array;
  /** True when `data` is inside a transport's memory (zero copy). */
  readonly lent: boolean;
  send(signal?: AbortSignal): Promise<void> | undefined;
  abandon(): void;
}

/** Who hears about sends that wait too long for flow-controlled consumers. */
export interface OutputStallHooks {
  /** A send has waited `stallReportMs` and still waits; called once per stalled send. */
  onStall(outputId: string, waitedMs: number): void;
  /** A send reported by `onStall` completed (or was aborted) after `waitedMs`. */
  onResume(outputId: string, waitedMs: number): void;
}

/**
 * One output: encodes each value once and hands the same payload bytes to every transport
 * channel the output is published on (no copy per consumer); each channel gets its own small
 * frame head, stamped with its planned channel id. When every publisher delivers preludes, compact
 * payloads name their type by id and the type's TYPE_DEFINITION frame goes as the prelude of
 * each frame by that id, which the transports write once per subscriber connection
 * (docs/payload-format.md); otherwise types go inline. A send that waits for a flow-controlled
 * consumer longer than `stallReportMs` is reported through the stall hooks, so a consumer that
 * stopped reading is named instead of freezing its producer silently.
 */
export class OutputChannel {
  #seq = 0;
  #discarded = 0;
  #encoder: ValueEncoder | undefined;
  /** The prelude (a TYPE_DEFINITION frame) of each type id, made once per channel. */
  readonly #preludes = new WeakMap<AssignedTypeId, NonNullable<SendOptions["prelude"]>[]>();
  /** The planned id of each publisher's channel (publishers are in the order of `config.channels`). */
  readonly #channelIds: number[];

  constructor(
    readonly config: OutputConfig,
    readonly publishers: Publisher[],
    private readonly clock: HybridClock,
    private readonly hooks?: OutputStallHooks,
    private readonly stallReportMs = DEFAULT_STALL_REPORT_MS,
  ) {
    this.#channelIds = publishers.map((_, i) => config.channels[i]?.channelId ?? 0);
  }

  /** Encodes and sends; resolves at once unless a flow-controlled consumer is behind. */
  send(value: SendableValue, parameters: Record<string, Parameter>, signal?: AbortSignal, fields?: FrameFields): Promise<void> | undefined {
    const payload = this.encoder.encode(value);
    return this.sendEncoded(payload.encoding, payload.chunks, parameters, signal, payload.typeDefinition, fields);
  }

  /**
   * This output's encoder, made at the first send: with type ids when every publisher (there is
   * at least one) delivers preludes.
   */
  get encoder(): ValueEncoder {
    this.#encoder ??= new ValueEncoder({ typeIds: this.publishers.length > 0 && this.publishers.every((p) => p.preludes === true) });
    return this.#encoder;
  }

  /**
   * Sends already-encoded payload chunks; `typeDefinition` (from this output's encoder) when
   * the payload names its type by id; `fields`, the frame's typed fields (request id, trace...).
   */
  sendEncoded(encoding: FrameHeader["encoding"], chunks: Uint8Array[], parameters: Record<string, Parameter>, signal?: AbortSignal, typeDefinition?: AssignedTypeId, fields?: FrameFields): Promise<void> | undefined {
    return this.#fanOut(encoding, parameters, fields, (i, head) => {
      const options: SendOptions = { signal };
      if (typeDefinition) options.prelude = this.#prelude(typeDefinition, i);
      return this.publishers[i]!.send([head, ...chunks], options);
    });
  }

  /**
   * A raw message of `length` bytes for the caller to write in place: inside the memory of the
   * first publisher that lends (Publisher.loan), whose frame is then sent without a copy; the
   * output's other channels send a view of those bytes (their transports copy them once). With
   * no lender, a fresh buffer sent as `sendOutput` sends a Uint8Array.
   */
  reserve(length: number, parameters: Record<string, Parameter>, fields?: FrameFields): ReservedSample {
    const shape = (seq: number, timestamp: number): FrameHeader => ({ ...fields, encoding: PayloadEncoding.RAW, seq, timestamp, parameters, channelId: this.#channelIds[0] ?? 0 });
    // The head's length does not depend on its sequence number or timestamp (fixed-width fields).
    const headBytes = encodeFrameHead(shape(0, 0)).byteLength;
    let loan: FrameLoan | undefined;
    let lender = -1;
    for (let i = 0; i < this.publishers.length && !loan; i++) {
      loan = this.publishers[i]!.loan?.(headBytes + length);
      if (loan) lender = i;
    }
    const data = loan ? loan.bytes.subarray(headBytes, headBytes + length) : new Uint8Array(length);
    return {
      data,
      lent: loan !== undefined,
      send: (signal) =>
        this.#fanOut(PayloadEncoding.RAW, parameters, fields, (i, head) => {
          if (i !== lender) return this.publishers[i]!.send([head, data], { signal });
          loan!.bytes.set(head, 0);
          return loan!.commit({ signal });
        }),
      abandon: () => loan?.abandon(),
    };
  }

  /** Stamps a new frame head (per channel: its planned id) and hands it to `sendOn` for every publisher. */
  #fanOut(encoding: FrameHeader["encoding"], parameters: Record<string, Parameter>, fields: FrameFields | undefined, sendOn: (index: number, head: Uint8Array) => Promise<void> | undefined): Promise<void> | undefined {
    const header: FrameHeader = { encoding, seq: ++this.#seq, timestamp: this.clock.now(), parameters, channelId: this.#channelIds[0] ?? 0 };
    const head = encodeFrameHead(fields ? { ...fields, ...header } : header);
    let waits: Promise<void>[] | undefined;
    for (let i = 0; i < this.publishers.length; i++) {
      const wait = sendOn(i, i === 0 ? head : withChannelId(head, this.#channelIds[i]!));
      if (wait) (waits ??= []).push(wait);
    }
    if (!waits) return undefined;
    return this.#watch(waits.length === 1 ? waits[0]! : Promise.all(waits).then(() => undefined));
  }

  /** The TYPE_DEFINITION frame of a type id on channel `index`, as a prelude keyed by the id (ids are never reused). */
  #prelude(assigned: AssignedTypeId, index: number): NonNullable<SendOptions["prelude"]> {
    let preludes = this.#preludes.get(assigned);
    if (!preludes) {
      // Not a message: sequence number 0, never counted in `sent`.
      const head = encodeFrameHead({ encoding: PayloadEncoding.TYPE_DEFINITION, seq: 0, timestamp: this.clock.now(), parameters: {} });
      // Copied out of Buffer's shared pool (withChannelId copies): kept for the life of the output.
      preludes = this.#channelIds.map((channelId) => ({ key: `type:${assigned.id}`, chunks: [withChannelId(head, channelId), assigned.definition] }));
      this.#preludes.set(assigned, preludes);
    }
    return preludes[index]!;
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
