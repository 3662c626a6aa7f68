import type { FrameLease, InputConfig, Subscription } from "@rivulet/core";
import type { NodeTransports } from "./node-transports.js";
import { ProducerVerdicts } from "./producer-verdicts.js";

/** What the node does with what its inputs' subscriptions report. */
export interface InputSubscriptionHooks {
  /** A data frame for input `inputId` (with a lease when it lives in the transport's memory). */
  onFrame(inputId: string, frame: Uint8Array, lease?: FrameLease): void;
  /** The input's channel broke and the daemon never said its producer ended: the transport's error is all there is to say. */
  onLost(inputId: string, error: Error): void;
  /** The input is closed: nothing more will come on it (called once per input). */
  onClosed(inputId: string): void;
  /** True once the node stopped: a broken channel then just closes its input. */
  stopped(): boolean;
}

/**
 * A node's inputs on their channels: the subscriptions (paused, resumed and credited by the
 * input queues), the ones still connecting (aborted when their producer ends first or the node
 * stops), which inputs are still open, and how their producers ended (ProducerVerdicts): an
 * input whose channel breaks waits for the daemon's word before it closes, so NODE_FAILED comes
 * before INPUT_CLOSED.
 */
export class InputSubscriptions {
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #pending = new Map<string, AbortController>();
  readonly #open = new Set<string>();
  readonly #verdicts = new ProducerVerdicts();

  constructor(
    private readonly subscriberId: string,
    private readonly transports: NodeTransports,
    /** Aborts every subscription still connecting (STOP, close). */
    private readonly shutdown: AbortSignal,
    private readonly hooks: InputSubscriptionHooks,
  ) {}

  /** Input `id` is open (every input is, from the start, timers included). */
  open(id: string): void {
    this.#open.add(id);
  }

  /** The subscription of input `id`, once subscribed. */
  get(id: string): Subscription | undefined {
    return this.#subscriptions.get(id);
  }

  /** How many inputs are still open. */
  get openCount(): number {
    return this.#open.size;
  }

  /** Subscribes input `input` to its channel; an input that closed or a node that stopped meanwhile is left alone. */
  async subscribe(input: InputConfig): Promise<void> {
    const channel = input.channel!;
    // STOP or the producer's end may have arrived while the node was still registering.
    if (this.shutdown.aborted || !this.#open.has(input.id)) return;
    const controller = new AbortController();
    this.#pending.set(input.id, controller);
    const signal = AbortSignal.any([controller.signal, this.shutdown]);
    try {
      const subscription = await (await this.transports.for(channel)).subscribe(channel, {
        subscriberId: this.subscriberId,
        flowControl: input.queuePolicy === "backpressure",
        grantsCredits: true,
        queueSize: input.queueSize,
        signal,
        onFrame: (frame, lease) => this.hooks.onFrame(input.id, frame, lease),
      });
      void subscription.closed.then((error) => {
        if (error && !this.hooks.stopped() && !this.#verdicts.hasEnded(input.id)) {
          this.#verdicts.wait(input.id, () => {
            if (!this.hooks.stopped()) this.hooks.onLost(input.id, error);
            this.close(input.id);
          });
        } else this.close(input.id);
      });
      this.#subscriptions.set(input.id, subscription);
    } catch (error) {
      // Aborted because the producer ended or the node is stopping: the input is closed.
      if (!signal.aborted) throw error;
    } finally {
      this.#pending.delete(input.id);
    }
  }

  /**
   * The daemon says an input's producer ended. A subscribed input hears it from its transport
   * after the last data (so nothing in flight is lost); inputs still connecting close here, and
   * so do inputs whose connection broke and were waiting for this word.
   */
  producerGone(id: string): void {
    if (this.#verdicts.end(id)) return this.close(id);
    if (this.#subscriptions.has(id)) return;
    this.#pending.get(id)?.abort();
    this.close(id);
  }

  /** Closes input `id` (once: `onClosed`), whoever noticed first. */
  close(id: string): void {
    if (this.#open.delete(id)) this.hooks.onClosed(id);
  }

  /** Stops waiting for verdicts (the node stopped or closed). */
  clear(): void {
    this.#verdicts.clear();
  }
}
