import { ControlPlaneError, type DropCounts, type LogLevel, type NodeConfig, type NodeStatus, type Parameter, type StopEvent, type TransportPlugins } from "@rivulet/core";
import { type DaemonToNode, HybridClock, type RegisteredMessage } from "@rivulet/core/internal";
import { ControlClient } from "./control-client.js";
import { DropReporter } from "./drop-reporter.js";
import type { NodeHost } from "./node-contract.js";
import { NodeInputs } from "./node-inputs.js";
import { NodeLifecycle } from "./node-lifecycle.js";
import { NodeOutputs } from "./node-outputs.js";
import { NodeTransports } from "./node-transports.js";
import { closeBeforeExit, forgetBeforeExit } from "./open-nodes.js";
import { OutputChannel } from "./output-channels.js";

/**
 * A node run by the daemon: it connects to the control socket as soon as it is made, publishes
 * its outputs and subscribes its inputs on their transports, then waits at the start-up barrier.
 * Daemon messages drive the lifecycle (barrier, STOP) and the input side (timers, producers
 * gone or failed). Closed automatically when the process has nothing left to do (`beforeExit`).
 */
export class DaemonSession implements NodeHost {
  readonly inputs: NodeInputs;
  readonly outputs: NodeOutputs;
  readonly lifecycle = new NodeLifecycle();
  readonly #clock = new HybridClock();
  readonly #control: ControlClient;
  readonly #transports: NodeTransports;
  /** Aborts every wait of the node (subscriptions still connecting) on STOP or close. */
  readonly #shutdown = new AbortController();
  /** Resolves once the daemon accepted the node (`registered`); rejects as `connect` does. */
  readonly #registered: Promise<RegisteredMessage>;
  readonly #started: Promise<void>;
  #closed: Promise<void> | undefined;
  readonly #dropReporter = new DropReporter(
    () => this.#dropCounts(),
    (drops) => this.#control.send({ t: "drops", drops }),
  );

  constructor(
    private readonly config: NodeConfig,
    plugins: TransportPlugins = {},
  ) {
    this.#transports = new NodeTransports({ ...plugins }, config);
    this.inputs = new NodeInputs({
      config,
      transports: this.#transports,
      clock: this.#clock,
      keepAlive: this.lifecycle.keepAlive,
      shutdown: this.#shutdown.signal,
      onAllClosed: () => this.#stop("all-inputs-closed"),
    });
    this.outputs = new NodeOutputs({
      nodeId: config.nodeId,
      declared: config.outputs.map((o) => o.id),
      lifecycle: this.lifecycle,
      ready: () => this.ready(),
      log: (level, message) => this.log(level, message),
    });
    this.#control = new ControlClient(
      config,
      (message) => this.#onControl(message),
      () => this.#stop("daemon-lost"),
    );
    // Not aborted by close(): a node closed while joining still joins, then ends cleanly.
    this.#registered = this.#control.connect();
    this.#started = this.#start();
    this.#started.catch((error: Error) => {
      this.inputs.fail(error);
      this.lifecycle.fail(error);
    });
    closeBeforeExit(this);
  }

  get signal(): AbortSignal {
    return this.lifecycle.signal;
  }

  get keepAlive(): NodeLifecycle["keepAlive"] {
    return this.lifecycle.keepAlive;
  }

  async ready(): Promise<void> {
    const keepAlive = this.lifecycle.keepAlive;
    await keepAlive.holding(this.#started);
    await keepAlive.holding(this.lifecycle.settled);
  }

  log(level: LogLevel, message: string, fields?: Record<string, Parameter>): void {
    this.#control.send({ t: "log", level, message, fields });
  }

  status(status: NodeStatus): void {
    this.#control.send({ t: "status", status });
  }

  async stopDataflow(reason?: string): Promise<void> {
    await this.lifecycle.keepAlive.holding(this.#registered);
    if (!this.#control.send({ t: "stop_all", ...(reason === undefined ? {} : { reason }) })) {
      throw new ControlPlaneError(`node '${this.config.nodeId}' cannot ask the daemon to stop the dataflow: its control connection is closed`);
    }
  }

  close(): Promise<void> {
    forgetBeforeExit(this);
    // Held so the process stays alive until every output is flushed to its consumers.
    this.#closed ??= this.lifecycle.keepAlive.holding(this.#close()).finally(() => this.lifecycle.closed());
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#shutdown.abort();
    this.lifecycle.closing();
    this.inputs.closeIntake();
    this.outputs.abandonSamples();
    await this.#started.catch(() => {});
    await this.outputs.close();
    this.#dropReporter.stop();
    this.#control.send({ t: "outputs_closed", drops: this.#dropCounts() });
    this.inputs.end();
    await this.#transports.close();
    await this.#control.close();
  }

  async #start(): Promise<void> {
    const registered = await this.#registered;
    if (registered.transports) this.#transports.configure(registered.transports);
    const stallHooks = {
      onStall: (output: string, waitedMs: number) => this.#control.send({ t: "output_stalled", output, waitedMs }),
      onResume: (output: string, waitedMs: number) => this.#control.send({ t: "output_resumed", output, waitedMs }),
    };
    await Promise.all(
      this.config.outputs.map(async (output) => {
        const publishers = await Promise.all(output.channels.map(async (channel) => (await this.#transports.for(channel)).publish(channel)));
        this.outputs.add(new OutputChannel(output, publishers, this.#clock, stallHooks, this.config.stallReportMs));
      }),
    );
    await this.inputs.subscribe();
    this.#control.send({ t: "subscribed" });
    // Drops are reported while the run goes on, not only at close.
    if (!this.#closed) this.#dropReporter.start();
  }

  /** Drop totals by input and output (only those with drops); an input's include its discarded messages. */
  #dropCounts(): DropCounts {
    const drops: DropCounts = { inputs: {}, outputs: {} };
    for (const [id, s] of Object.entries(this.inputs.stats())) if (s.dropped + s.discarded > 0) drops.inputs[id] = s.dropped + s.discarded;
    for (const [id, s] of Object.entries(this.outputs.stats())) if (s.dropped + s.discarded > 0) drops.outputs[id] = s.dropped + s.discarded;
    return drops;
  }

  #onControl(message: DaemonToNode): void {
    switch (message.t) {
      case "ready":
        this.lifecycle.opened();
        return;
      case "stop":
        this.#stop("manual");
        return;
      case "timer":
        this.inputs.tick(message.inputs, message.timestamp);
        return;
      case "input_closed":
        this.inputs.producersGone(message.inputs);
        return;
      case "node_failed":
        this.inputs.producerFailed(message.sourceNodeId, message.error, message.inputs);
        return;
      case "reload_operator":
        this.inputs.reload(message.operator);
        return;
    }
  }

  #stop(reason: StopEvent["reason"]): void {
    if (this.inputs.ended) return;
    this.#shutdown.abort();
    this.lifecycle.stop(reason);
    this.inputs.stop(reason);
  }
}
