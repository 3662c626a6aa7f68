import { type Metadata, type SendableValue, UndeclaredOutputError } from "@rivulet/core";
import { type HybridClock, type InputConfig, type NodeConfig, type OperatorConfig, checkParameters, frameFieldsOf, parametersOf } from "@rivulet/core/internal";
import type { SendMetadata, SendOutputOptions } from "@rivulet/node";
import { LocalInput, LocalValue } from "./operator-events.js";
import type { InputBound } from "./operator-mailbox.js";
import type { OperatorSlot } from "./operator-slot.js";

/** An input of an operator: the slot and the operator's own id for it. */
export interface InputRoute {
  slot: OperatorSlot;
  id: string;
}

/** Where one output of an operator goes. */
export interface OutputRoute {
  /** The runtime node's output id (`doubler/doubled`, or `doubled` for the shorthand). */
  nodeOutput: string;
  /** Sent through the node: something outside this runtime consumes it, or nothing consumes it at all. */
  remote: boolean;
  /** The operators of this runtime that consume it, in-process. */
  locals: InputRoute[];
}

/**
 * The wiring of a runtime node's operators, from its config: which operator (and which of its
 * inputs) each of the node's inputs feeds, and where each operator output goes: out through the
 * node's channels, and to the inputs of this runtime marked `local` (whose `source` names this
 * node's own output: `rt/doubler/doubled`).
 */
export class OperatorRoutes {
  readonly #inputs = new Map<string, InputConfig>();
  readonly #channels = new Map<string, number>();
  readonly #byNodeInput = new Map<string, InputRoute>();
  /** Local consumers by the node output they read. */
  readonly #locals = new Map<string, InputRoute[]>();
  readonly #operatorInputIds = new Map<OperatorSlot, Map<string, string>>();
  readonly #outputs = new Map<OperatorSlot, Map<string, OutputRoute>>();

  constructor(private readonly config: NodeConfig) {
    for (const input of config.inputs) this.#inputs.set(input.id, input);
    for (const output of config.outputs) this.#channels.set(output.id, output.channels.length);
  }

  /** The queue bound of each of the operator's inputs (its own ids). */
  bounds(operator: OperatorConfig): Map<string, InputBound> {
    const bounds = new Map<string, InputBound>();
    for (const [own, nodeInput] of Object.entries(operator.inputs)) {
      const input = this.#inputs.get(nodeInput);
      if (input) bounds.set(own, { queueSize: input.queueSize, queuePolicy: input.queuePolicy });
    }
    return bounds;
  }

  /** Adds an operator's inputs. */
  add(slot: OperatorSlot): void {
    const ids = new Map<string, string>();
    for (const [own, nodeInput] of Object.entries(slot.config.inputs)) {
      ids.set(nodeInput, own);
      const input = this.#inputs.get(nodeInput);
      const prefix = `${this.config.nodeId}/`;
      if (input?.local && input.source.startsWith(prefix)) {
        const produced = input.source.slice(prefix.length);
        this.#locals.set(produced, [...(this.#locals.get(produced) ?? []), { slot, id: own }]);
      } else this.#byNodeInput.set(nodeInput, { slot, id: own });
    }
    this.#operatorInputIds.set(slot, ids);
  }

  /** The operator input a node input feeds, if any. */
  input(nodeInput: string): InputRoute | undefined {
    return this.#byNodeInput.get(nodeInput);
  }

  /** The operator's input ids by the node's (node id -> its own). */
  inputIds(slot: OperatorSlot): ReadonlyMap<string, string> {
    return this.#operatorInputIds.get(slot) ?? new Map();
  }

  /**
   * Where the operator's output `output` (its own id) goes.
   * @throws UndeclaredOutputError when the operator does not declare it.
   */
  output(slot: OperatorSlot, output: string): OutputRoute {
    let routes = this.#outputs.get(slot);
    if (!routes) this.#outputs.set(slot, (routes = this.#outputRoutes(slot)));
    const route = routes.get(output);
    if (!route) throw new UndeclaredOutputError(`${this.config.nodeId}/${slot.id}`, output, Object.keys(slot.config.outputs));
    return route;
  }

  /** The operators of this runtime fed by any output of `slot`, with their input ids. */
  localConsumers(slot: OperatorSlot): InputRoute[] {
    return Object.values(slot.config.outputs).flatMap((nodeOutput) => this.#locals.get(nodeOutput) ?? []);
  }

  /**
   * Hands a sent value to the local consumers of `route`, as it is (see `LocalValue`), with the
   * metadata a remote consumer would read. Returns the waits of consumers whose full
   * `backpressure` input holds the sender back.
   */
  deliverLocal(route: OutputRoute, data: SendableValue, metadata: SendMetadata | undefined, options: SendOutputOptions | undefined, clock: HybridClock): Promise<void>[] {
    const value = new LocalValue(data).check();
    const fields = options && frameFieldsOf(options);
    // Checked as a send through a transport would be, so a local edge refuses what a remote one does.
    const parameters = checkParameters(parametersOf(metadata), this.config.nodeId);
    const meta: Metadata = { ...fields, timestamp: clock.now(), parameters };
    const waits: Promise<void>[] = [];
    for (const { slot, id } of route.locals) {
      const wait = slot.deliver(new LocalInput(id, value, meta));
      if (wait) waits.push(wait);
    }
    return waits;
  }

  #outputRoutes(slot: OperatorSlot): Map<string, OutputRoute> {
    const routes = new Map<string, OutputRoute>();
    for (const [own, nodeOutput] of Object.entries(slot.config.outputs)) {
      const locals = this.#locals.get(nodeOutput) ?? [];
      routes.set(own, { nodeOutput, locals, remote: (this.#channels.get(nodeOutput) ?? 0) > 0 || locals.length === 0 });
    }
    return routes;
  }
}
