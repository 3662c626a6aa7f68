import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { DEFAULT_START_TIMEOUT_MS, DEFAULT_STALL_REPORT_MS, DEFAULT_STOP_GRACE_MS, type DropCounts, NODE_CONFIG_ENV, type NodeConfig, type TransportPlugins } from "@rivulet/core";
import { type NodeToDaemon, environmentConfig } from "@rivulet/core/internal";
import { allInputs } from "@rivulet/descriptor";
import { type BuildStep, runBuilds } from "./build-step.js";
import { ControlServer } from "./control-server.js";
import { DataflowWatch } from "./dataflow-watch.js";
import { NodeNeverJoinedError, StartTimeoutError, StartupFailureError } from "./daemon-errors.js";
import { dataflowNameOf } from "./dataflow-name.js";
import { type NodeExit, NodeProcess } from "./node-process.js";
import { planDataflow } from "./planner.js";
import { type Preflight, preflight } from "./preflight.js";
import { Reaper } from "./reaper.js";
import type { NodeResult, RunEvent, RunResult, StalledConsumer } from "./run-events.js";
import { createRunDir } from "./run-dir.js";
import { StartBarrier } from "./start-barrier.js";
import { StopEscalation, type StopHistory, failureReason } from "./stop-escalation.js";
import { TimerScheduler } from "./timer-scheduler.js";

/** Options of `startDataflow`. */
export interface DataflowRunInit {
  /** Path of the dataflow YAML. */
  file: string;
  /** Stop the dataflow this many ms after the start-up barrier. */
  stopAfterMs?: number;
  /** Wait between STOP and SIGTERM, and between SIGTERM and SIGKILL (default 10 s). */
  graceMs?: number;
  /** Wait for every node to join before giving up (default 60 s). */
  startTimeoutMs?: number;
  /** Folder for per-node logs; default `<dataflow folder>/out/<dataflow id>`. */
  logDir?: string;
  /** Transport plugins by kind, used instead of importing `@rivulet/transport-<kind>` (nodes need them passed too). */
  transports?: TransportPlugins;
  /** Time a control connection has to register before it is closed (default 5 s). */
  registerTimeoutMs?: number;
  /** A send waiting this long for a flow-controlled consumer is reported (default 5 s). */
  stallReportMs?: number;
  /** `rivulet run --watch`: reload changed operators, report changed programs (`DataflowWatch`), until the stop. */
  watch?: boolean;
  onEvent?: (event: RunEvent) => void;
}

interface Member extends StopHistory {
  process: NodeProcess;
  drops: DropCounts;
}

/**
 * Starts a dataflow: validates it, runs builds, plans transports, spawns every node, holds
 * the start-up barrier, serves timers, and supervises until every node has exited.
 * `stop()` sends STOP to every node (source nodes too), then after the grace SIGTERM, then
 * SIGKILL; a second `stop()` skips the grace. Nodes that never registered cannot receive STOP
 * and get SIGTERM at once.
 * @throws DescriptorValidationError, PreflightError, BuildError, PlanError before any node starts.
 */
export async function startDataflow(init: DataflowRunInit): Promise<DataflowRun> {
  const emit = init.onEvent ?? (() => {});
  // Builds run inside preflight: after the checks they cannot affect, before the programs they create are checked.
  const build = (steps: BuildStep[], baseDir: string): Promise<void> => runBuilds(steps, baseDir, (nodeId, line) => emit({ type: "output", nodeId, stream: "stdout", line }));
  const checked = await preflight(init.file, { transports: init.transports, build });
  for (const warning of checked.warnings) emit({ type: "warning", ...warning });
  const run = new DataflowRun(init, checked, emit);
  await run.start();
  return run;
}

export class DataflowRun {
  readonly dataflowId = randomUUID();
  readonly logDir: string;
  /** Resolves when every node has exited and everything is cleaned up. */
  readonly finished: Promise<RunResult>;
  readonly #members = new Map<string, Member>();
  readonly #results: NodeResult[] = [];
  readonly #graceMs: number;
  readonly #reaper = new Reaper();
  readonly #barrier = new StartBarrier();
  readonly #escalation: StopEscalation;
  readonly #timeouts: NodeJS.Timeout[] = [];
  #finish!: (result: RunResult) => void;
  #control: ControlServer | undefined;
  /** Each node's transports with their options, handed over at registration (ControlHandlers.welcome). */
  readonly #transportsOf = new Map<string, NodeConfig["transports"]>();
  #timers: TimerScheduler | undefined;
  #watch: DataflowWatch | undefined;
  #removeRunDir: () => Promise<void> = async () => {};
  /** Files outside the run folder that transports registered for removal (PlanRequest.cleanup). */
  readonly #transportFiles = new Set<string>();
  #stopping = false;
  #error: Error | undefined;
  /** Why the grace was skipped (a second stop request), for the reason of the nodes it kills. */
  #skipReason: string | undefined;

  constructor(
    private readonly init: DataflowRunInit,
    private readonly checked: Preflight,
    private readonly emit: (event: RunEvent) => void,
  ) {
    this.logDir = init.logDir ?? join(checked.baseDir, "out", this.dataflowId);
    this.#graceMs = init.graceMs ?? DEFAULT_STOP_GRACE_MS;
    this.#escalation = new StopEscalation(this.#graceMs, (signal) => this.#escalate(signal));
    this.finished = new Promise((resolve) => (this.#finish = resolve));
  }

  /** Path of the run's control socket (0600, in a 0700 folder removed when the run ends). */
  get controlSocketPath(): string | undefined {
    return this.#control?.path;
  }

  /** @internal Spawns the nodes; called by `startDataflow`. */
  async start(): Promise<void> {
    const runDir = await createRunDir();
    this.#removeRunDir = runDir.remove;
    this.#reaper.cleanUp(runDir.path);
    const token = randomBytes(24).toString("hex");
    const controlSocket = join(runDir.path, "control.sock");
    this.#control = await ControlServer.listen(
      { path: controlSocket, token, registerTimeoutMs: this.init.registerTimeoutMs },
      {
        onRegister: (nodeId) => this.#members.has(nodeId),
        // Transport options may hold credentials: they go to the node here, not in its environment.
        welcome: (nodeId) => ({ transports: this.#transportsOf.get(nodeId) }),
        onRegistered: (nodeId) => this.#catchUp(nodeId),
        onMessage: (nodeId, message) => this.#onMessage(nodeId, message),
        onRejected: (error) => this.emit({ type: "rejected", error }),
      },
    );
    let configs;
    try {
      configs = await planDataflow(this.checked.graph, {
        dataflowId: this.dataflowId,
        dataflowName: dataflowNameOf(this.init.file),
        runDir: runDir.path,
        controlSocket,
        token,
        transports: this.checked.transports,
        locate: this.checked.locateTransport,
        onCleanup: (path) => {
          this.#transportFiles.add(path);
          this.#reaper.cleanUpFile(path);
        },
      });
    } catch (error) {
      await this.#control.close();
      this.#reaper.close();
      await runDir.remove();
      await this.#removeTransportFiles();
      throw error;
    }
    mkdirSync(this.logDir, { recursive: true });
    this.#timers = new TimerScheduler(this.checked.graph.timers, (consumer, inputs, timestamp) => {
      this.#control?.send(consumer, { t: "timer", inputs, timestamp });
    });
    const stallReportMs = this.init.stallReportMs ?? DEFAULT_STALL_REPORT_MS;
    for (const node of this.checked.graph.nodes) {
      const config = { ...configs.get(node.id)!, stallReportMs };
      this.#transportsOf.set(node.id, config.transports);
      const process_ = new NodeProcess({
        nodeId: node.id,
        command: this.checked.commands.get(node.id)!,
        cwd: this.checked.baseDir,
        env: { ...process.env, ...node.env, [NODE_CONFIG_ENV]: JSON.stringify(environmentConfig(config)) },
        logFile: join(this.logDir, `log_${node.id}.txt`),
        onLine: (stream, line) => this.emit({ type: "output", nodeId: node.id, stream, line }),
      });
      if (process_.pid !== undefined) this.#reaper.watch(process_.pid);
      this.#members.set(node.id, { process: process_, termAsStop: false, drops: { inputs: {}, outputs: {} } });
      this.#barrier.add(node.id, allInputs(node).length > 0 || node.outputs.length > 0);
      void process_.exited.then((exit) => this.#onExit(node.id, exit));
    }
    const startTimeoutMs = this.init.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const startTimeout = setTimeout(() => {
      if (this.#barrier.isOpen || this.#stopping) return;
      this.#error ??= new StartTimeoutError(this.#barrier.missing(), startTimeoutMs);
      // Nodes that did not register in all that time will not: no grace for them.
      this.#stop("start-up timeout", true);
    }, startTimeoutMs);
    startTimeout.unref();
    this.#timeouts.push(startTimeout);
    if (this.init.watch) this.#watch = new DataflowWatch(this.checked, { send: (id, message) => this.#control?.send(id, message), emit: this.emit });
    // A dataflow of plain processes only has nothing to wait for.
    this.#checkBarrier();
  }

  /**
   * Stops the dataflow (also what a node's `stop_all` does, with the event naming that node):
   * STOP to every registered node, SIGTERM at once to plain nodes (no
   * inputs, no outputs: they never register, so cannot receive STOP), SIGTERM to the rest after
   * the grace, SIGKILL after another. A node with inputs or outputs still starting gets STOP
   * when it registers within the grace. Calling it again while stopping skips straight to
   * SIGKILL; the nodes it kills fail with the reason "killed on <reason>" (default "second stop
   * request").
   */
  stop(reason?: string): void {
    this.#stop(reason, false);
  }

  /** `termUnregistered`: SIGTERM at once also nodes with inputs or outputs that never registered; `requestedBy`: the node that asked (`stop_all`). */
  #stop(reason: string | undefined, termUnregistered: boolean, requestedBy?: string): void {
    if (this.#stopping) {
      this.#skipReason ??= reason ?? "second stop request";
      this.#escalation.skip();
      return;
    }
    reason ??= "stop requested";
    this.#stopping = true;
    this.#barrier.cancel();
    this.#timers?.stop();
    void this.#watch?.close();
    this.emit({ type: "stopping", reason, ...(requestedBy === undefined ? {} : { requestedBy }) });
    const unregistered: string[] = [];
    for (const [id, member] of this.#members) {
      if (this.#barrier.registered(id)) this.#control?.send(id, { t: "stop" });
      else if (member.process.running && (termUnregistered || !this.#barrier.joins(id))) unregistered.push(id);
    }
    if (unregistered.length > 0) {
      this.emit({ type: "escalate", nodeIds: unregistered, signal: "SIGTERM", unregistered: true });
      for (const id of unregistered) {
        const member = this.#members.get(id)!;
        member.termAsStop = true;
        member.process.signal("SIGTERM");
      }
    }
    this.#escalation.start();
  }

  #escalate(signal: "SIGTERM" | "SIGKILL"): void {
    // SIGTERM goes to nodes that got STOP; those already SIGTERMed in its place wait for SIGKILL.
    const running = [...this.#members].filter(([, m]) => m.process.running && (signal === "SIGKILL" || !m.termAsStop));
    if (running.length === 0) return;
    this.emit({ type: "escalate", nodeIds: running.map(([id]) => id), signal });
    for (const [, member] of running) {
      if (member.killedWith !== "SIGKILL") member.killedWith = signal;
      if (signal === "SIGKILL" && this.#skipReason !== undefined) member.killedOn ??= this.#skipReason;
      member.process.signal(signal);
    }
  }

  #onMessage(nodeId: string, message: NodeToDaemon): void {
    const member = this.#members.get(nodeId);
    if (!member) return;
    switch (message.t) {
      case "subscribed":
        this.#barrier.markSubscribed(nodeId);
        this.#checkBarrier();
        return;
      case "log":
        member.process.note(`[${message.level}] ${message.message}${message.fields ? ` ${JSON.stringify(message.fields)}` : ""}`);
        this.emit({ type: "log", nodeId, level: message.level, message: message.message, fields: message.fields });
        return;
      case "status":
        this.emit({ type: "status", nodeId, status: message.status });
        return;
      case "drops":
        this.#updateDrops(nodeId, member, message.drops, true);
        return;
      case "outputs_closed":
        // The final totals are reported once, when the node exits.
        this.#updateDrops(nodeId, member, message.drops, false);
        return;
      case "output_stalled":
        this.emit({ type: "stalled", nodeId, outputId: message.output, waitedMs: message.waitedMs, consumers: this.#flowControlled(nodeId, message.output) });
        return;
      case "output_resumed":
        this.emit({ type: "resumed", nodeId, outputId: message.output, waitedMs: message.waitedMs });
        return;
      case "stop_all": {
        // Once stopping, another request changes nothing: unlike a second Ctrl-C it must not cut the grace short.
        if (this.#stopping) return;
        const why = typeof message.reason === "string" && message.reason !== "" ? `: ${message.reason}` : "";
        member.process.note(`asked to stop the dataflow${why}`);
        this.#stop(`node '${nodeId}' asked to stop the dataflow${why}`, false, nodeId);
        return;
      }
    }
  }

  /** Records the totals; with `live`, emits a `drops` event for every input and output whose total grew. */
  #updateDrops(nodeId: string, member: Member, drops: DropCounts | undefined, live: boolean): void {
    for (const port of ["input", "output"] as const) {
      const totals = (port === "input" ? drops?.inputs : drops?.outputs) ?? {};
      const known = port === "input" ? member.drops.inputs : member.drops.outputs;
      for (const [portId, total] of Object.entries(totals)) {
        if (typeof total !== "number" || !(total > (known[portId] ?? 0))) continue;
        known[portId] = total;
        if (live) this.emit({ type: "drops", nodeId, port, portId, total, final: false });
      }
    }
  }

  /** The consumer inputs on `nodeId/outputId` that use backpressure, from the graph. */
  #flowControlled(nodeId: string, outputId: string): StalledConsumer[] {
    const consumers: StalledConsumer[] = [];
    for (const edge of this.checked.graph.edges) {
      if (edge.producer !== nodeId || edge.output !== outputId) continue;
      const consumer = this.checked.graph.nodes.find((n) => n.id === edge.consumer);
      const input = consumer && allInputs(consumer).find((i) => i.id === edge.input);
      if (input?.queuePolicy === "backpressure") consumers.push({ nodeId: edge.consumer, inputId: edge.input });
    }
    return consumers;
  }

  /** Tells a node that registers what it missed: producers that ended, a stop under way. */
  #catchUp(nodeId: string): void {
    this.#barrier.markRegistered(nodeId);
    for (const result of this.#results) this.#notifyConsumers(result, nodeId);
    if (this.#stopping && !this.#members.get(nodeId)?.termAsStop) this.#control?.send(nodeId, { t: "stop" });
    // A plain node (no inputs, no outputs) may register after the barrier opened without it.
    else if (this.#barrier.isOpen) this.#control?.send(nodeId, { t: "ready" });
  }

  /** Tells the consumers of a node that ended (all, or just `only`) that their inputs closed. */
  #notifyConsumers(result: NodeResult, only?: string): void {
    // The SDK closes inputs still connecting on these messages; inputs already subscribed hear
    // the end from the transport (after all data) and use them to tell a crash from an end.
    const byConsumer = new Map<string, string[]>();
    for (const edge of this.checked.graph.edges) {
      if (edge.producer !== result.id || (only !== undefined && edge.consumer !== only)) continue;
      byConsumer.set(edge.consumer, [...(byConsumer.get(edge.consumer) ?? []), edge.input]);
    }
    for (const [consumer, inputs] of byConsumer) {
      if (result.failed) this.#control?.send(consumer, { t: "node_failed", sourceNodeId: result.id, error: result.reason!, inputs });
      else this.#control?.send(consumer, { t: "input_closed", inputs });
    }
  }

  #checkBarrier(): void {
    if (!this.#barrier.check()) return;
    for (const [id, member] of this.#members) if (member.process.running && this.#barrier.registered(id)) this.#control?.send(id, { t: "ready" });
    this.emit({ type: "ready", nodeCount: this.#members.size });
    this.#timers?.start();
    if (this.init.stopAfterMs !== undefined) {
      const timer = setTimeout(() => this.stop(`--stop-after ${this.init.stopAfterMs} ms`), this.init.stopAfterMs);
      this.#timeouts.push(timer);
    }
  }

  #onExit(nodeId: string, exit: NodeExit): void {
    const member = this.#members.get(nodeId)!;
    if (member.process.pid !== undefined) this.#reaper.forget(member.process.pid);
    this.#timers?.forget(nodeId);
    this.#barrier.markExited(nodeId);
    let reason = failureReason(exit, member, this.#graceMs);
    const beforeStart = !this.#barrier.isOpen && !this.#stopping;
    const neverJoined = beforeStart && reason === undefined && this.#barrier.joins(nodeId) && !this.#barrier.subscribed(nodeId);
    if (neverJoined) reason = "exited without joining the dataflow";
    const result: NodeResult = { id: nodeId, exit, failed: reason !== undefined, reason, stderrTail: member.process.stderrTail, drops: member.drops };
    this.#results.push(result);
    this.emit({ type: "exit", result });
    for (const port of ["input", "output"] as const) {
      for (const [portId, total] of Object.entries(port === "input" ? member.drops.inputs : member.drops.outputs)) {
        this.emit({ type: "drops", nodeId, port, portId, total, final: true });
      }
    }
    this.#notifyConsumers(result);
    // A plain node (no inputs, no outputs) is not part of the start-up: its failure only counts.
    if (result.failed && beforeStart && this.#barrier.joins(nodeId)) {
      this.#error ??= neverJoined ? new NodeNeverJoinedError(nodeId, exit.code, exit.signal) : new StartupFailureError(nodeId, reason!);
      this.stop(`node '${nodeId}' failed during start-up`);
    }
    this.#checkBarrier();
    if ([...this.#members.values()].every((m) => !m.process.running)) void this.#close();
  }

  async #close(): Promise<void> {
    for (const timer of this.#timeouts) clearTimeout(timer);
    this.#escalation.cancel();
    this.#timers?.stop();
    await this.#watch?.close();
    await this.#control?.close();
    this.#reaper.close();
    await this.#removeRunDir();
    await this.#removeTransportFiles();
    const order = [...this.#members.keys()];
    const nodes = [...this.#results].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    const exitCode = nodes.some((n) => n.failed) || this.#error ? 1 : 0;
    this.#finish({ dataflowId: this.dataflowId, logDir: this.logDir, exitCode, nodes, error: this.#error });
  }

  async #removeTransportFiles(): Promise<void> {
    await Promise.all([...this.#transportFiles].map((path) => rm(path, { force: true })));
  }

}
