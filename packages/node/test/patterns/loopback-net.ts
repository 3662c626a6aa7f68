import type { InputEvent, SendableValue } from "@rivulet/core";
import { HybridClock, checkParameters, parametersOf } from "@rivulet/core/internal";
import { OutputChannel } from "../../src/output-channels.js";
import type { SendMetadata, SendOutputOptions } from "../../src/node-contract.js";
import { ClaimedInput } from "../../src/patterns/claimed-input.js";
import type { ClaimEnd, PatternHost } from "../../src/patterns/pattern-host.js";
import { LoopbackPublisher } from "../../src/testing/loopback-publisher.js";

/**
 * Several pattern hosts in one process, outputs wired to inputs as a dataflow's edges would be:
 * each message is encoded and decoded on the real frame path and arrives a turn later (as over
 * a socket). For unit tests of the communication patterns without a daemon.
 */
export class LoopbackNet {
  readonly #hosts = new Map<string, LoopbackHost>();
  /** "node/output" -> the "node/input"s it feeds. */
  readonly #edges = new Map<string, string[]>();
  readonly clock = new HybridClock();

  host(nodeId: string): LoopbackHost {
    const host = new LoopbackHost(nodeId, this);
    this.#hosts.set(nodeId, host);
    return host;
  }

  /** Wires `from` ("node/output") to `to` ("node/input"). */
  connect(from: string, to: string): this {
    const targets = this.#edges.get(from) ?? [];
    targets.push(to);
    this.#edges.set(from, targets);
    return this;
  }

  targets(nodeId: string, outputId: string): { host: LoopbackHost; inputId: string }[] {
    return (this.#edges.get(`${nodeId}/${outputId}`) ?? []).map((target) => {
      const [node, input] = target.split("/") as [string, string];
      return { host: this.#hosts.get(node)!, inputId: input };
    });
  }

  /** Node `nodeId` failed: every input it feeds ends with NODE_FAILED (reason `failed`). */
  fail(nodeId: string, error = "exited with code 1"): void {
    this.#endFedBy(nodeId, { reason: "failed", sourceNodeId: nodeId, error });
  }

  /** Node `nodeId` ended: every input it feeds closes (after what it already sent). */
  finish(nodeId: string): void {
    this.#endFedBy(nodeId, { reason: "closed" });
  }

  #endFedBy(nodeId: string, end: ClaimEnd): void {
    // After the messages already on their way (they arrive a turn after their send).
    setImmediate(() => {
      for (const [from, targets] of this.#edges) {
        if (!from.startsWith(`${nodeId}/`)) continue;
        for (const target of targets) {
          const [node, input] = target.split("/") as [string, string];
          this.#hosts.get(node)?.endInput(input, end);
        }
      }
    });
  }
}

/** One node of a LoopbackNet. `held` counts keep-alive holds (0 when nothing is pending). */
export class LoopbackHost implements PatternHost {
  held = 0;
  readonly logs: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  /** INPUT events of inputs no pattern claimed (what the main loop would read). */
  readonly unclaimed: InputEvent[] = [];
  readonly #claims = new Map<string, { claim: ClaimedInput; queue: InputEvent[] }>();
  readonly #channels = new Map<string, OutputChannel>();
  readonly #stop = new AbortController();

  constructor(
    readonly nodeId: string,
    private readonly net: LoopbackNet,
  ) {}

  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  claim(inputId: string, _pattern: string): ClaimedInput {
    if (this.#claims.has(inputId)) throw new Error(`input '${inputId}' of node '${this.nodeId}' is claimed already`);
    const queue: InputEvent[] = [];
    const source = { shift: () => queue.shift(), get length() { return queue.length; } };
    const claim = new ClaimedInput(inputId, source, () => {}, () => this.#claims.delete(inputId));
    this.#claims.set(inputId, { claim, queue });
    return claim;
  }

  async sendOutput(outputId: string, data: SendableValue, metadata?: SendMetadata, options?: SendOutputOptions): Promise<void> {
    if (this.#stop.signal.aborted) return;
    for (const { host, inputId } of this.net.targets(this.nodeId, outputId)) {
      const key = `${outputId}->${host.nodeId}/${inputId}`;
      let channel = this.#channels.get(key);
      if (!channel) {
        const publisher = new LoopbackPublisher(host.nodeId, inputId, (event) => setImmediate(() => host.deliver(event)));
        this.#channels.set(key, (channel = new OutputChannel({ id: outputId, channels: [] }, [publisher], this.net.clock)));
      }
      channel.send(data, checkParameters(parametersOf(metadata), this.nodeId), undefined, options);
    }
  }

  hold(): void {
    this.held++;
  }

  release(): void {
    this.held--;
  }

  log(level: string, message: string, fields?: Record<string, string | number | boolean>): void {
    this.logs.push({ level, message, fields });
  }

  /** STOP: claims end with `stopped`, the signal aborts. */
  stop(): void {
    this.#stop.abort();
    for (const { claim } of this.#claims.values()) claim.end({ reason: "stopped" });
  }

  deliver(event: InputEvent): void {
    const entry = this.#claims.get(event.id);
    if (!entry) {
      this.unclaimed.push(event);
      return;
    }
    if (entry.claim.ended) return;
    entry.queue.push(event);
    entry.claim.notify();
  }

  endInput(inputId: string, end: ClaimEnd): void {
    this.#claims.get(inputId)?.claim.end(end);
  }
}
