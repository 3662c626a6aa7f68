import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  DEFAULT_START_TIMEOUT_MS,
  DEFAULT_STOP_GRACE_MS,
  NODE_CONFIG_ENV,
  type NodeToDaemon,
  RivuletError,
  type TransportPlugins,
} from "@rivulet/core";
import { runBuilds } from "./build-step.js";
import { ControlServer } from "./control-server.js";
import { StartTimeoutError } from "./daemon-errors.js";
import { type NodeExit, NodeProcess } from "./node-process.js";
import { planDataflow } from "./planner.js";
import { type Preflight, preflight } from "./preflight.js";
import { Reaper } from "./reaper.js";
import type { NodeResult, RunEvent, RunResult } from "./run-events.js";
import { createRunDir } from "./run-dir.js";
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
  onEvent?: (event: RunEvent) => void;
}

/** A node failed during start-up, before the barrier; the dataflow was stopped. */
export class StartupFailureError extends RivuletError {
  constructor(
    readonly nodeId: string,
    reason: string,
  ) {
    super(`node '${nodeId}' failed during start-up (${reason}); the dataflow was stopped`);
  }
}

interface Member {
  process: NodeProcess;
  subscribed: boolean;
  killedWith?: "SIGTERM" | "SIGKILL";
  /** Set when a second stop request killed the node before its grace ran out. */
  killedOn?: string;
  drops: Record<string, number>;
}

/**
 * Starts a dataflow: validates it, runs builds, plans transports, spawns every node, holds
 * the start-up barrier, serves timers, and supervises until every node has exited.
 * `stop()` sends STOP to every node (source nodes too), then after the grace SIGTERM, then
 * SIGKILL; a second `stop()` skips the grace.
 * @throws DescriptorValidationError, PreflightError, BuildError, PlanError before any node starts.
 */
export async function startDataflow(init: DataflowRunInit): Promise<DataflowRun> {
  const checked = await preflight(init.file, { transports: init.transports });
  const emit = init.onEvent ?? (() => {});
  for (const warning of checked.warnings) emit({ type: "warning", ...warning });
  await runBuilds(checked.graph.nodes, checked.baseDir, (nodeId, line) => emit({ type: "output", nodeId, stream: "stdout", line }));
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
  #finish!: (result: RunResult) => void;
  #control: ControlServer | undefined;
  #timers: TimerScheduler | undefined;
  #removeRunDir: () => Promise<void> = async () => {};
  #ready = false;
  #stopping = false;
  #escalation: NodeJS.Timeout[] = [];
  #error: Error | undefined;

  constructor(
    private readonly init: DataflowRunInit,
    private readonly checked: Preflight,
    private readonly emit: (event: RunEvent) => void,
  ) {
    this.logDir = init.logDir ?? join(checked.baseDir, "out", this.dataflowId);
    this.#graceMs = init.graceMs ?? DEFAULT_STOP_GRACE_MS;
    this.finished = new Promise((resolve) => (this.#finish = resolve));
  }

  /** @internal Spawns the nodes; called by `startDataflow`. */
  async start(): Promise<void> {
    const runDir = await createRunDir();
    this.#removeRunDir = runDir.remove;
    this.#reaper.cleanUp(runDir.path);
    const token = randomBytes(24).toString("hex");
    const controlSocket = join(runDir.path, "control.sock");
    this.#control = await ControlServer.listen(controlSocket, token, {
      onRegister: (nodeId) => this.#members.has(nodeId),
      onRegistered: (nodeId) => this.#catchUp(nodeId),
      onMessage: (nodeId, message) => this.#onMessage(nodeId, message),
    });
    let configs;
    try {
      configs = await planDataflow(this.checked.graph, {
        dataflowId: this.dataflowId,
        runDir: runDir.path,
        controlSocket,
        token,
        transports: this.checked.transports,
      });
    } catch (error) {
      await this.#control.close();
      this.#reaper.close();
      await runDir.remove();
      throw error;
    }
    mkdirSync(this.logDir, { recursive: true });
    this.#timers = new TimerScheduler(this.checked.graph.timers, (consumer, inputs, timestamp) => {
      this.#control?.send(consumer, { t: "timer", inputs, timestamp });
    });
    for (const node of this.checked.graph.nodes) {
      const process_ = new NodeProcess({
        nodeId: node.id,
        command: this.checked.commands.get(node.id)!,
        cwd: this.checked.baseDir,
        env: { ...process.env, ...node.env, [NODE_CONFIG_ENV]: JSON.stringify(configs.get(node.id)) },
        logFile: join(this.logDir, `log_${node.id}.txt`),
        onLine: (stream, line) => this.emit({ type: "output", nodeId: node.id, stream, line }),
      });
      if (process_.pid !== undefined) this.#reaper.watch(process_.pid);
      this.#members.set(node.id, { process: process_, subscribed: false, drops: {} });
      void process_.exited.then((exit) => this.#onExit(node.id, exit));
    }
    const startTimeout = setTimeout(() => {
      if (this.#ready || this.#stopping) return;
      const missing = [...this.#members].filter(([, m]) => m.process.running && !m.subscribed).map(([id]) => id);
      this.#error ??= new StartTimeoutError(missing, this.init.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
      this.stop("start-up timeout");
    }, this.init.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    startTimeout.unref();
    void this.finished.then(() => clearTimeout(startTimeout));
  }

  /**
   * Stops the dataflow: STOP to every node, SIGTERM after the grace, SIGKILL after another.
   * Calling it again while stopping skips straight to SIGKILL; the nodes it kills fail with
   * the reason "killed on <reason>" (default "second stop request").
   */
  stop(reason?: string): void {
    if (this.#stopping) {
      this.#escalate("SIGKILL", reason ?? "second stop request");
      return;
    }
    reason ??= "stop requested";
    this.#stopping = true;
    this.#timers?.stop();
    this.emit({ type: "stopping", reason });
    for (const id of this.#members.keys()) this.#control?.send(id, { t: "stop" });
    const term = setTimeout(() => this.#escalate("SIGTERM"), this.#graceMs);
    const kill = setTimeout(() => this.#escalate("SIGKILL"), this.#graceMs * 2);
    this.#escalation.push(term, kill);
  }

  /** @param stopRequest the reason of a second `stop()` that skipped the grace, if that is why. */
  #escalate(signal: "SIGTERM" | "SIGKILL", stopRequest?: string): void {
    const running = [...this.#members].filter(([, m]) => m.process.running);
    if (running.length === 0) return;
    this.emit({ type: "escalate", nodeIds: running.map(([id]) => id), signal });
    for (const [, member] of running) {
      if (member.killedWith !== "SIGKILL") member.killedWith = signal;
      if (stopRequest !== undefined) member.killedOn ??= stopRequest;
      member.process.signal(signal);
    }
  }

  #onMessage(nodeId: string, message: NodeToDaemon): void {
    const member = this.#members.get(nodeId);
    if (!member) return;
    switch (message.t) {
      case "subscribed":
        member.subscribed = true;
        if (this.#stopping) this.#control?.send(nodeId, { t: "stop" });
        this.#checkBarrier();
        return;
      case "log":
        member.process.note(`[${message.level}] ${message.message}${message.fields ? ` ${JSON.stringify(message.fields)}` : ""}`);
        this.emit({ type: "log", nodeId, level: message.level, message: message.message, fields: message.fields });
        return;
      case "status":
        this.emit({ type: "status", nodeId, status: message.status });
        return;
      case "outputs_closed":
        member.drops = message.drops;
        return;
    }
  }

  /** Tells a node that registers late what it missed: producers that ended, a stop under way. */
  #catchUp(nodeId: string): void {
    for (const result of this.#results) this.#notifyConsumers(result, nodeId);
    if (this.#stopping) this.#control?.send(nodeId, { t: "stop" });
  }

  /** Tells the consumers of a node that ended (all, or just `only`) that their inputs closed. */
  #notifyConsumers(result: NodeResult, only?: string): void {
    // Inputs already subscribed learn it from the transport (after all data); the SDK uses
    // these messages only for inputs still waiting to connect.
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
    if (this.#ready || this.#stopping) return;
    const running = [...this.#members.values()].filter((m) => m.process.running);
    if (running.length === 0 || running.some((m) => !m.subscribed)) return;
    this.#ready = true;
    for (const [id, member] of this.#members) if (member.process.running) this.#control?.send(id, { t: "ready" });
    this.emit({ type: "ready", nodeCount: this.#members.size });
    this.#timers?.start();
    if (this.init.stopAfterMs !== undefined) {
      const timer = setTimeout(() => this.stop(`--stop-after ${this.init.stopAfterMs} ms`), this.init.stopAfterMs);
      this.#escalation.push(timer);
    }
  }

  #onExit(nodeId: string, exit: NodeExit): void {
    const member = this.#members.get(nodeId)!;
    if (member.process.pid !== undefined) this.#reaper.forget(member.process.pid);
    this.#timers?.forget(nodeId);
    const reason = failureReason(exit, member.killedWith, this.#graceMs, member.killedOn);
    const result: NodeResult = { id: nodeId, exit, failed: reason !== undefined, reason, stderrTail: member.process.stderrTail, drops: member.drops };
    this.#results.push(result);
    this.emit({ type: "exit", result });
    for (const [key, count] of Object.entries(member.drops)) {
      this.emit({ type: "warning", nodeId, message: `node '${nodeId}' dropped ${count} message${count === 1 ? "" : "s"} on ${key.replace(":", " '")}' (queue full)` });
    }
    this.#notifyConsumers(result);
    if (result.failed && !this.#ready && !this.#stopping) {
      this.#error ??= new StartupFailureError(nodeId, reason!);
      this.stop(`node '${nodeId}' failed during start-up`);
    }
    this.#checkBarrier();
    if ([...this.#members.values()].every((m) => !m.process.running)) void this.#close();
  }

  async #close(): Promise<void> {
    for (const timer of this.#escalation) clearTimeout(timer);
    this.#timers?.stop();
    await this.#control?.close();
    this.#reaper.close();
    await this.#removeRunDir();
    const order = [...this.#members.keys()];
    const nodes = [...this.#results].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    const exitCode = nodes.some((n) => n.failed) || this.#error ? 1 : 0;
    this.#finish({ dataflowId: this.dataflowId, logDir: this.logDir, exitCode, nodes, error: this.#error });
  }
}

function failureReason(exit: NodeExit, killedWith: "SIGTERM" | "SIGKILL" | undefined, graceMs: number, killedOn?: string): string | undefined {
  if (killedOn !== undefined && (exit.signal || exit.code !== 0)) return `killed on ${killedOn}`;
  if (killedWith && (exit.signal || exit.code !== 0)) {
    return `did not exit within ${graceMs / 1000} s of STOP; ${killedWith === "SIGKILL" ? "killed with SIGKILL" : "terminated with SIGTERM"}`;
  }
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code !== 0) return `exited with code ${exit.code}`;
  return undefined;
}
