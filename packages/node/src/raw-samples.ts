import { RawSampleSentError } from "@rivulet/core";
import type { ReservedSample } from "./output-channels.js";

/**
 * A raw message being written in place (`node.sendOutputRaw`): write the payload into `data`,
 * then call `send()` once. With a transport that lends its memory (shared memory), `data` is
 * inside it and nothing is copied; otherwise it is a buffer of the node's own, sent as
 * `sendOutput` sends a Uint8Array. Do not touch `data` after `send()`: its bytes may already be
 * on their way (or, in shared memory, reused). A sample never sent is given back when it is
 * garbage collected or when the node closes.
 */
export interface RawSample {
  readonly data: Uint8Array;
  /**
   * Sends the sample; resolves like `sendOutput` (waits for a backpressure consumer).
   * @throws RawSampleSentError on a second call.
   */
  send(): Promise<void>;
}

/**
 * The node's raw samples not sent yet, so that the memory they hold goes back to the transport
 * when the node closes, or when the program dropped a sample without sending it.
 */
export class RawSamples {
  readonly #outstanding = new Set<ReservedSample>();
  readonly #collected = new FinalizationRegistry<ReservedSample>((reserved) => this.#giveBack(reserved));

  /**
   * Wraps a reserved sample: `deliver` sends it (the node's STOP rules apply there); the
   * sample goes back to its transport if it is never sent.
   */
  track(nodeId: string, outputId: string, reserved: ReservedSample, deliver: (reserved: ReservedSample) => Promise<void>): RawSample {
    this.#outstanding.add(reserved);
    let sent = false;
    const sample: RawSample = {
      data: reserved.data,
      send: async () => {
        if (sent) throw new RawSampleSentError(nodeId, outputId);
        sent = true;
        this.#outstanding.delete(reserved);
        this.#collected.unregister(sample);
        await deliver(reserved);
      },
    };
    this.#collected.register(sample, reserved, sample);
    return sample;
  }

  /** Gives back every sample not sent (the node is closing). */
  abandonAll(): void {
    for (const reserved of [...this.#outstanding]) this.#giveBack(reserved);
  }

  #giveBack(reserved: ReservedSample): void {
    if (this.#outstanding.delete(reserved)) reserved.abandon();
  }
}
