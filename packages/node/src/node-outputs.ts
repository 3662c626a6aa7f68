import { type LogLevel, NodeStoppedError, type SendableValue, UndeclaredOutputError } from "@rivulet/core";
import { frameFieldsOf, waitFor } from "@rivulet/core/internal";
import type { OutputSide, SendMetadata, SendOutputOptions } from "./node-contract.js";
import type { NodeLifecycle } from "./node-lifecycle.js";
import type { OutputChannel, OutputStats } from "./output-channels.js";
import { checkParameters, parametersOf } from "@rivulet/core/internal";
import { type RawSample, RawSamples } from "./raw-samples.js";

/** What the output side needs from its node. */
export interface NodeOutputsComponents {
  readonly nodeId: string;
  /** The outputs the descriptor declares, in order (for UndeclaredOutputError). */
  readonly declared: readonly string[];
  readonly lifecycle: NodeLifecycle;
  /** Resolves at the start-up barrier; rejects with the reason the node could not join. */
  ready(): Promise<void>;
  log(level: LogLevel, message: string): void;
  /**
   * Makes the channel of an output on its first send, for a node whose outputs are not declared
   * (the testing helper, when the test names none); absent, `declared` is the whole list.
   */
  open?(outputId: string): OutputChannel;
}

/**
 * A node's output side: its output channels (added by its host once published) and the rules
 * every send follows whatever carries it: parameters checked first, the start-up barrier, STOP
 * (discard or NodeStoppedError, by `NodeLifecycle.sendRule`), undeclared outputs, and waits for
 * backpressure consumers that end at STOP. Raw samples never sent go back at close.
 */
export class NodeOutputs implements OutputSide {
  readonly #channels = new Map<string, OutputChannel>();
  readonly #rawSamples = new RawSamples();
  #warnedSendAfterStop = false;

  constructor(private readonly node: NodeOutputsComponents) {}

  /** Output `channel.config.id` is published and may send. */
  add(channel: OutputChannel): void {
    this.#channels.set(channel.config.id, channel);
  }

  /** See `Node.sendOutput`. */
  async sendOutput(outputId: string, data: SendableValue, metadata?: SendMetadata, options?: SendOutputOptions): Promise<void> {
    // Checked first: a program error is reported whether or not the message could go out.
    const parameters = checkParameters(parametersOf(metadata), this.node.nodeId);
    const output = await this.#output(outputId);
    if (!output) return;
    const wait = output.send(data, parameters, options?.signal, options && frameFieldsOf(options));
    if (wait) await this.node.lifecycle.keepAlive.holding(this.#untilHalted(wait));
  }

  /** See `Node.sendOutputRaw`. */
  async sendOutputRaw(outputId: string, length: number, metadata?: SendMetadata, options?: SendOutputOptions): Promise<RawSample> {
    const parameters = checkParameters(parametersOf(metadata), this.node.nodeId);
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`sendOutputRaw('${outputId}'): length must be a whole number of bytes, not ${length}`);
    if (this.node.lifecycle.sendRule() === "wait") await this.#whenStarted(outputId);
    if (this.node.lifecycle.sendRule() === "refuse") throw new NodeStoppedError(this.node.nodeId, outputId);
    const output = this.#declared(outputId);
    const reserved = output.reserve(length, parameters, options && frameFieldsOf(options));
    return this.#rawSamples.track(this.node.nodeId, outputId, reserved, async (sample) => {
      if (this.node.lifecycle.sendRule() === "discard") {
        sample.abandon();
        return this.#discardAfterStop(output);
      }
      const wait = sample.send(options?.signal);
      if (wait) await this.node.lifecycle.keepAlive.holding(this.#untilHalted(wait));
    });
  }

  /** Counters per output. */
  stats(): Record<string, OutputStats> {
    const outputs: Record<string, OutputStats> = {};
    for (const [id, output] of this.#channels) outputs[id] = output.stats();
    return outputs;
  }

  /** Gives back every raw sample not sent (the node is closing). */
  abandonSamples(): void {
    this.#rawSamples.abandonAll();
  }

  /** Gives back raw samples not sent, then closes every channel, flushing what was sent to its consumers. */
  async close(): Promise<void> {
    this.abandonSamples();
    await Promise.all([...this.#channels.values()].map((o) => o.close()));
  }

  /** The channel to send on after the barrier, or undefined when the send is discarded after STOP. */
  async #output(outputId: string): Promise<OutputChannel | undefined> {
    if (this.node.lifecycle.sendRule() === "wait") await this.#whenStarted(outputId);
    const rule = this.node.lifecycle.sendRule();
    if (rule === "refuse") throw new NodeStoppedError(this.node.nodeId, outputId);
    const output = this.#channels.get(outputId);
    if (rule === "discard" && output) {
      this.#discardAfterStop(output);
      return undefined;
    }
    return output ?? this.#declared(outputId);
  }

  /** The channel of `outputId`. @throws UndeclaredOutputError when it has none. */
  #declared(outputId: string): OutputChannel {
    let output = this.#channels.get(outputId);
    if (!output && this.node.open) this.add((output = this.node.open(outputId)));
    if (!output) throw new UndeclaredOutputError(this.node.nodeId, outputId, [...this.node.declared]);
    return output;
  }

  async #whenStarted(outputId: string): Promise<void> {
    if (!this.node.declared.includes(outputId)) throw new UndeclaredOutputError(this.node.nodeId, outputId, [...this.node.declared]);
    await this.node.ready();
  }

  /**
   * A send after STOP: counted, not sent. The first one also tells the user (through the run's
   * log) how to end such a loop, since a program that never reads events would otherwise keep
   * sending into nothing until it is killed at the end of the grace.
   */
  #discardAfterStop(output: OutputChannel): void {
    if (output.stats().discarded === 0 && !this.#warnedSendAfterStop) {
      this.#warnedSendAfterStop = true;
      this.node.log("info", `sendOutput('${output.config.id}') after STOP: nothing is sent; end the loop when node.signal is aborted`);
    }
    output.discard();
  }

  /** A send's wait, ended early (resolved) by STOP: the frame was already handed over. */
  async #untilHalted(wait: Promise<void>): Promise<void> {
    const halt = this.node.lifecycle.signal;
    try {
      await waitFor<void>(
        (resolve, reject) => {
          wait.then(resolve, reject);
        },
        { signal: halt },
      );
    } catch (error) {
      if (!halt.aborted || (error as Error).name !== "AbortError") throw error;
      // The transport's own wait is settled later (close wakes it); nothing listens any more.
      wait.catch(() => {});
    }
  }
}
