import { type FrameFields, type InputEvent, type Metadata, type NodeEvent, type PullOptions, RivuletError, type SendableValue, type StopEvent } from "@rivulet/core";
import { type HybridClock, QueuedIterator } from "@rivulet/core/internal";
import type { LazyInputEvent } from "../input-event.js";
import type { InputStats } from "../input-queues.js";
import type { InputSide, SendMetadata } from "../node-contract.js";
import { OutputChannel } from "../output-channels.js";
import { checkParameters, parametersOf } from "@rivulet/core/internal";
import { LoopbackPublisher } from "./loopback-publisher.js";
import { InputClaimedError, UndeclaredInputError } from "../patterns/claim-errors.js";
import { ClaimedInput } from "../patterns/claimed-input.js";
import type { ClaimEnd } from "../patterns/pattern-host.js";

/** A message on input `id`: `value` as `sendOutput` accepts it (omitted: an empty value, as a timer tick). */
export interface ScriptedInput {
  type?: "INPUT";
  id: string;
  value?: SendableValue;
  /** Parameters, as `sendOutput` takes them. */
  metadata?: SendMetadata;
  /** The frame's typed fields (`fin`, `requestId`...), as `sendOutput`'s options set them. */
  fields?: FrameFields;
}

/** One step of a test script; `metadata` of the control events is filled in. */
export type ScriptedEvent =
  | ScriptedInput
  | { type: "INPUT_CLOSED"; id: string }
  | { type: "STOP"; reason?: StopEvent["reason"] }
  | { type: "ERROR"; id?: string; error: Error }
  | { type: "NODE_FAILED"; sourceNodeId: string; error: string; affectedInputIds: string[] };

/** A script that no real node could receive; `index` is the offending step. */
export class ScriptError extends RivuletError {
  constructor(
    readonly index: number,
    readonly reason: "undeclared-input" | "input-closed" | "after-stop",
    message: string,
  ) {
    super(message);
  }
}

/** What the scripted events need from the testing session. */
export interface ScriptedEventsInit {
  nodeId: string;
  /** The node's inputs: declared, or every id the script names. */
  inputs: readonly string[];
  clock: HybridClock;
  /** STOP reached the program (or was ordered by `stop()`). */
  onStop(reason: StopEvent["reason"]): void;
}

/**
 * The input side of a node under test: the script's events, built up front the way a real node
 * would receive them (values encoded by an output channel and decoded by the receiving path;
 * INPUT_CLOSED for every input still open and STOP `all-inputs-closed` after the last input
 * closes, or STOP `manual` for a node without inputs, when the script does not stop itself), and
 * each one arriving when the program asks for it, so STOP takes effect when it is read.
 */
export class ScriptedEvents implements InputSide {
  readonly #events: NodeEvent[] = [];
  #next = 0;
  #stopRead = false;
  readonly #iterator: QueuedIterator<NodeEvent>;
  readonly #stats = new Map<string, InputStats>();
  readonly #claims = new Map<string, string>();

  constructor(
    script: readonly ScriptedEvent[],
    private readonly init: ScriptedEventsInit,
  ) {
    for (const id of init.inputs) this.#stats.set(id, { received: 0, dropped: 0, discarded: 0, flushed: 0, pending: 0 });
    this.#build(script);
    this.#iterator = new QueuedIterator<NodeEvent>(this);
    // Every event is buffered already: the stream ends after the last one.
    this.#iterator.end();
  }

  get length(): number {
    return this.#events.length - this.#next;
  }

  shift(): NodeEvent | undefined {
    const event = this.#events[this.#next];
    if (!event) return undefined;
    this.#next++;
    if (event.type === "INPUT") {
      const stats = this.#stats.get(event.id)!;
      stats.received++;
      stats.pending--;
    } else if (event.type === "STOP") {
      this.#stopRead = true;
      this.init.onStop(event.reason);
    }
    return event;
  }

  [Symbol.asyncIterator](): AsyncIterator<NodeEvent> {
    return this.#iterator;
  }

  recv(options?: PullOptions): Promise<NodeEvent | null> {
    return this.#iterator.pull(options);
  }

  stats(): Record<string, InputStats> {
    return Object.fromEntries([...this.#stats].map(([id, stats]) => [id, { ...stats }]));
  }

  /**
   * A pattern reads input `inputId`: its scripted messages not read yet leave the main stream
   * for the claim, which then ends as the script ends that input (INPUT_CLOSED: `closed`;
   * NODE_FAILED naming it: `failed`; STOP first: `stopped`).
   * @throws UndeclaredInputError, InputClaimedError.
   */
  claim(inputId: string, pattern: string): ClaimedInput {
    const { nodeId, inputs } = this.init;
    if (!inputs.includes(inputId)) throw new UndeclaredInputError(nodeId, inputId, inputs, pattern);
    const holder = this.#claims.get(inputId);
    if (holder) throw new InputClaimedError(nodeId, inputId, holder, pattern);
    this.#claims.set(inputId, pattern);
    const queue: InputEvent[] = [];
    const unread = this.#events.splice(this.#next);
    for (const event of unread) (event.type === "INPUT" && event.id === inputId ? queue : this.#events).push(event as InputEvent);
    const stats = this.#stats.get(inputId)!;
    const source = {
      get length() {
        return queue.length;
      },
      shift: () => {
        const event = queue.shift();
        if (event) {
          stats.received++;
          stats.pending--;
        }
        return event;
      },
    };
    const claim = new ClaimedInput(inputId, source, () => {}, (unread) => {
      this.#discard(queue.splice(0));
      stats.discarded += unread;
    });
    claim.end(this.#endOf(inputId));
    return claim;
  }

  /** How the script ends input `inputId`: the first INPUT_CLOSED or NODE_FAILED naming it, or STOP. */
  #endOf(inputId: string): ClaimEnd {
    for (const event of this.#events) {
      if (event.type === "INPUT_CLOSED" && event.id === inputId) return { reason: "closed" };
      if (event.type === "NODE_FAILED" && event.affectedInputIds.includes(inputId)) return { reason: "failed", sourceNodeId: event.sourceNodeId, error: event.error };
      if (event.type === "STOP") return { reason: "stopped" };
    }
    return { reason: "stopped" };
  }

  /** STOP now (ordered, as by the daemon): the program reads it next; the rest is discarded. */
  stop(reason: StopEvent["reason"]): void {
    if (this.#stopRead) return;
    this.#discardRest();
    this.#events.push({ type: "STOP", reason, metadata: this.#meta() });
    this.init.onStop(reason);
  }

  /** The program closed the node: events it did not read are discarded. */
  close(): void {
    this.#discardRest();
  }

  /** Drops the events not read yet, counting their messages as discarded. */
  #discardRest(): void {
    this.#discard(this.#events.splice(this.#next));
  }

  #discard(rest: readonly NodeEvent[]): void {
    for (const event of rest) {
      if (event.type !== "INPUT") continue;
      const stats = this.#stats.get(event.id)!;
      stats.pending--;
      stats.received++;
      stats.discarded++;
    }
  }

  #build(script: readonly ScriptedEvent[]): void {
    const { nodeId, inputs } = this.init;
    const open = new Set(inputs);
    const channels = new Map<string, OutputChannel>();
    let stopped = false;
    /** What the loopback of an input received from the step being built. */
    let received: LazyInputEvent | undefined;
    const close = (id: string): void => {
      if (!open.delete(id)) return;
      this.#events.push({ type: "INPUT_CLOSED", id, metadata: this.#meta() });
      if (open.size === 0) this.#events.push({ type: "STOP", reason: "all-inputs-closed", metadata: this.#meta() });
      stopped ||= open.size === 0;
    };
    const check = (index: number, id: string): void => {
      if (!inputs.includes(id)) throw new ScriptError(index, "undeclared-input", `step ${index}: node '${nodeId}' has no input '${id}' (inputs: ${inputs.join(", ") || "none"})`);
      if (!open.has(id)) throw new ScriptError(index, "input-closed", `step ${index}: input '${id}' of node '${nodeId}' is already closed`);
    };
    script.forEach((step, index) => {
      if (stopped) throw new ScriptError(index, "after-stop", `step ${index}: the event stream of node '${nodeId}' already ended with STOP`);
      switch (step.type) {
        case undefined:
        case "INPUT": {
          check(index, step.id);
          let channel = channels.get(step.id);
          if (!channel) channels.set(step.id, (channel = new OutputChannel({ id: step.id, channels: [] }, [new LoopbackPublisher(nodeId, step.id, (event) => (received = event))], this.init.clock)));
          channel.send(step.value ?? null, checkParameters(parametersOf(step.metadata), nodeId), undefined, step.fields);
          this.#events.push(received!);
          received = undefined;
          this.#stats.get(step.id)!.pending++;
          return;
        }
        case "INPUT_CLOSED":
          check(index, step.id);
          return close(step.id);
        case "NODE_FAILED":
          this.#events.push({ ...step, metadata: this.#meta() });
          return step.affectedInputIds.forEach(close);
        case "ERROR":
          this.#events.push({ ...step, metadata: this.#meta() });
          return;
        case "STOP":
          this.#events.push({ type: "STOP", reason: step.reason ?? "manual", metadata: this.#meta() });
          stopped = true;
          return;
      }
    });
    if (stopped) return;
    if (open.size === 0) this.#events.push({ type: "STOP", reason: "manual", metadata: this.#meta() });
    else [...open].forEach(close);
  }

  #meta(): Metadata {
    return { timestamp: this.init.clock.now(), parameters: {} };
  }
}
