import { type LogLevel, type NodeEvent, NodeConfigError, type Parameter, type PullOptions, type ReloadEvent, type SendableValue } from "@rivulet/core";
import { HybridClock, type NodeConfig, type OperatorConfig } from "@rivulet/core/internal";
import { type SendMetadata, type SendOutput, type SendOutputOptions, operatorLabel } from "@rivulet/node";
import { operatorSite } from "./runtime-errors.js";
import { RenamedInput, forOperator } from "./operator-events.js";
import type { OperatorHost } from "./operator-host.js";
import type { MailboxInputStats } from "./operator-mailbox.js";
import { type OperatorEnd, OperatorSlot } from "./operator-slot.js";
import { OperatorRoutes } from "./operator-routes.js";
import type { OperatorReloadError } from "./runtime-errors.js";
import { SharedOperator } from "./shared-operator.js";
import { WorkerOperator } from "./worker-operator.js";

/**
 * What the runtime needs from its node: a `Node` of `@rivulet/node` (the daemon's), or any
 * host with the same events in and outputs out (a test's).
 */
export interface RuntimeNode {
  readonly config: NodeConfig;
  recv(options?: PullOptions): Promise<NodeEvent | null>;
  sendOutput(outputId: string, data: SendableValue, metadata?: SendMetadata, options?: SendOutputOptions): Promise<void>;
  log(level: LogLevel, message: string, fields?: Record<string, Parameter>): void;
  /** Asks the daemon to stop the whole dataflow (an operator returned STOP_ALL). */
  stopDataflow(reason?: string): Promise<void>;
}

/** How each operator of a runtime ended, and its inputs' counters. */
export interface RuntimeReport {
  operators: Record<string, { ended: OperatorEnd | "running"; inputs: Record<string, MailboxInputStats> }>;
}

/**
 * The operators of one runtime node, hosted in its process: each one constructed once on the
 * runtime's event loop (`thread: shared`) or on a worker thread of its own (`thread: worker`).
 * The node's events are routed to the operators under their own input ids; what an operator
 * sends goes out under the runtime node's output id, and straight to the operators of this
 * runtime that consume it (inputs with `local: true`), without encoding.
 *
 * STOP from the dataflow reaches every operator still running; an operator that returns STOP
 * ends alone (operators it fed see those inputs close); STOP_ALL stops the whole dataflow through
 * the daemon. The runtime is done when every operator has ended. An operator that fails (module,
 * constructor, `onEvent`) ends the runtime with that error.
 *
 * A RELOAD event from the node (the daemon's `reload_operator`, `rivulet run --watch`) reloads
 * that operator's code (`OperatorSlot.reload`) while the others go on; the outcome is logged
 * through the node: `info` when the new code took over, `error` with the OperatorReloadError
 * (node, operator, file, line, column) when the old code keeps running. Either way the run goes on.
 */
export class OperatorRuntime {
  readonly #slots: OperatorSlot[] = [];
  readonly #routes: OperatorRoutes;
  readonly #clock = new HybridClock();
  readonly #halt = new AbortController();
  #failure: Error | undefined;

  constructor(private readonly node: RuntimeNode) {
    const operators = node.config.operators ?? [];
    if (operators.length === 0) throw new NodeConfigError(`node '${node.config.nodeId}' hosts no operators: its config has no 'operators' list`);
    this.#routes = new OperatorRoutes(node.config);
    for (const config of operators) {
      const slot: OperatorSlot = new OperatorSlot(config, this.#host(config, () => slot), this.#routes.bounds(config), {
        stopAll: (stopping) => this.#stopAll(stopping),
        ended: (ended) => this.#ended(ended),
        failed: (_, error) => this.#fail(error),
      });
      this.#slots.push(slot);
      this.#routes.add(slot);
    }
  }

  /**
   * Constructs every operator, then routes the node's events until every operator has ended.
   * @throws OperatorFailedError or OperatorExportError for the first operator that failed (the
   *   others are let go without a STOP); whatever the node's `recv` throws.
   */
  async run(): Promise<RuntimeReport> {
    try {
      await Promise.all(this.#slots.map((slot) => slot.host.start()));
      await this.#route();
      if (!this.#failure) await Promise.race([Promise.all(this.#slots.map((slot) => slot.finished)), this.#failed()]);
      if (this.#failure) throw this.#failure;
      return this.report();
    } finally {
      for (const slot of this.#slots) slot.abandon();
      await Promise.all(this.#slots.map((slot) => slot.host.dispose()));
    }
  }

  /** How each operator ended (so far) and its inputs' counters. */
  report(): RuntimeReport {
    const operators: RuntimeReport["operators"] = {};
    for (const slot of this.#slots) operators[slot.id] = { ended: slot.end ?? "running", inputs: slot.stats() };
    return { operators };
  }

  /** Reads the node's events until STOP, the stream's end, a failure, or every operator ended. */
  async #route(): Promise<void> {
    const signal = this.#halt.signal;
    while (!signal.aborted) {
      let event: NodeEvent | null;
      try {
        event = await this.node.recv({ signal });
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
      if (event === null) event = { type: "STOP", reason: "manual", metadata: { timestamp: this.#clock.now(), parameters: {} } };
      if (event.type === "RELOAD") {
        this.#reload(event);
        continue;
      }
      if (event.type === "INPUT") {
        const route = this.#routes.input(event.id);
        if (!route) continue;
        const wait = route.slot.deliver(route.id === event.id ? event : new RenamedInput(route.id, event));
        if (wait) await wait;
        continue;
      }
      for (const slot of this.#slots) {
        // Every input of the node closed: each operator with inputs gets its own STOP once its
        // inputs have closed (local ones close when their producer ends, after its last message).
        if (event.type === "STOP" && event.reason === "all-inputs-closed" && Object.keys(slot.config.inputs).length > 0) continue;
        const mine = event.type === "STOP" ? event : forOperator(event, this.#routes.inputIds(slot));
        if (mine) await slot.deliver(mine);
      }
      if (event.type === "STOP") return;
    }
  }

  /** Reloads one operator without waiting for it (the others' events go on); logs the outcome. */
  #reload(event: ReloadEvent): void {
    const nodeId = this.node.config.nodeId;
    const slot = this.#slots.find((s) => s.id === event.operatorId);
    if (!slot) return this.node.log("warn", `node '${nodeId}' hosts no operator '${event.operatorId}' to reload`);
    const site = operatorSite(nodeId, slot.config);
    // The shorthand's internal id is not a name the user gave: the fields leave it out.
    const fields = (): Record<string, Parameter> => (site.label ? { file: site.file } : { operator: site.operatorId, file: site.file });
    slot.reload(event).then(
      () => this.node.log("info", `${operatorLabel(site)} reloaded from ${site.file}`, fields()),
      (error: OperatorReloadError) => {
        const at = fields();
        if (error.line !== undefined && error.column !== undefined) Object.assign(at, { line: error.line, column: error.column });
        this.node.log("error", error.message, at);
      },
    );
  }

  #host(config: OperatorConfig, slot: () => OperatorSlot): OperatorHost {
    const at = operatorSite(this.node.config.nodeId, config);
    const send: SendOutput = (output, data, metadata, options) => this.#send(slot(), output, data, metadata, options);
    if (config.thread === "worker") return new WorkerOperator(at, send, (error) => this.#fail(error));
    return new SharedOperator(at, send);
  }

  /** An operator sends: to its local consumers as it is, and out through the node when anything else consumes it. */
  #send(slot: OperatorSlot, output: string, data: SendableValue, metadata?: SendMetadata, options?: SendOutputOptions): Promise<void> {
    const route = this.#routes.output(slot, output);
    let waits: Promise<void>[] | undefined;
    if (route.locals.length > 0) {
      for (const wait of this.#routes.deliverLocal(route, data, metadata, options, this.#clock)) (waits ??= []).push(wait);
    }
    if (route.remote) (waits ??= []).push(this.node.sendOutput(route.nodeOutput, data, metadata, options));
    if (!waits) return RESOLVED;
    return waits.length === 1 ? waits[0]! : Promise.all(waits).then(() => undefined);
  }

  #stopAll(slot: OperatorSlot): void {
    const reason = `${operatorLabel(operatorSite(this.node.config.nodeId, slot.config))} returned STOP_ALL`;
    this.node.stopDataflow(reason).catch((error: Error) => this.#fail(error));
  }

  /** An operator ended: its local consumers' inputs close; with the last one, the runtime is done. */
  #ended(slot: OperatorSlot): void {
    for (const { slot: consumer, id } of this.#routes.localConsumers(slot)) {
      consumer.deliver({ type: "INPUT_CLOSED", id, metadata: { timestamp: this.#clock.now(), parameters: {} } });
    }
    if (this.#slots.every((s) => s.ended)) this.#halt.abort();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#halt.abort();
    this.#wakeFailed?.();
  }

  #wakeFailed: (() => void) | undefined;

  /** Resolves when an operator fails. */
  #failed(): Promise<void> {
    if (this.#failure) return Promise.resolve();
    return new Promise((resolve) => (this.#wakeFailed = resolve));
  }
}

const RESOLVED = Promise.resolve();
