import type { DropCounts, LogLevel, NodeStatus, Parameter } from "@rivulet/core";
import type { NodeExit } from "./node-process.js";

/** How one node ended. */
export interface NodeResult {
  id: string;
  exit: NodeExit;
  /** Exited non-zero, was killed by a signal, or had to be terminated after STOP. */
  failed: boolean;
  /** Human-readable reason when failed ("exited with code 1"). */
  reason?: string;
  stderrTail: readonly string[];
  /** Messages dropped by input id and output id, as the node last reported them. */
  drops: DropCounts;
}

/** The outcome of a run. */
export interface RunResult {
  dataflowId: string;
  logDir: string;
  /** 0 when every node exited 0; 1 otherwise. */
  exitCode: number;
  nodes: NodeResult[];
  /** Why the run stopped early, if it did (a start-up failure, a start timeout). */
  error?: Error;
}

/** A consumer input that applies flow control on a stalled output. */
export interface StalledConsumer {
  nodeId: string;
  inputId: string;
}

/** What happens during a run, for the CLI (or any caller) to show. */
export type RunEvent =
  | { type: "output"; nodeId: string; stream: "stdout" | "stderr"; line: string }
  | { type: "log"; nodeId: string; level: LogLevel; message: string; fields?: Record<string, Parameter> }
  | { type: "status"; nodeId: string; status: NodeStatus }
  | { type: "ready"; nodeCount: number }
  /** The dataflow is stopping; `requestedBy` is the node that asked (`node.stopDataflow()`, an operator's STOP_ALL). */
  | { type: "stopping"; reason: string; requestedBy?: string }
  /**
   * Signals sent at stop: after the grace (`unregistered` false), or at once to nodes that never
   * registered and so cannot receive STOP (`unregistered` true).
   */
  | { type: "escalate"; nodeIds: string[]; signal: "SIGTERM" | "SIGKILL"; unregistered?: boolean }
  | { type: "exit"; result: NodeResult }
  | { type: "warning"; message: string; nodeId?: string }
  /**
   * A node dropped messages (queue full) or left them unread at stop: `total` so far on one input or output. Emitted while
   * the run goes on when the node reports new drops (at most about once a second per node), and
   * once more with `final: true` per input and output with drops when the node exits.
   */
  | { type: "drops"; nodeId: string; port: "input" | "output"; portId: string; total: number; final: boolean }
  /**
   * A send on `nodeId`'s output `outputId` has waited `waitedMs` for flow-controlled consumers:
   * `consumers` are the inputs on that output that use `backpressure` (one of them stopped reading).
   */
  | { type: "stalled"; nodeId: string; outputId: string; waitedMs: number; consumers: StalledConsumer[] }
  /** A send reported as stalled completed after `waitedMs`. */
  | { type: "resumed"; nodeId: string; outputId: string; waitedMs: number }
  /**
   * The control server closed a connection that broke the protocol or presented a wrong token
   * (a ControlProtocolError or RegistrationRefusedError); the run goes on.
   */
  | { type: "rejected"; error: Error }
  /**
   * `watch: true` (`rivulet run --watch`), a watched `file` changed. `reload`: the module of
   * operator `operatorId` passed the checks and its runtime node `nodeId` was asked to reload it
   * (the node logs how that went); `refused`: it did not (`error`, located in the module), the
   * old code keeps running; `node-changed`: the program of node `nodeId` (or a file it imports)
   * changed, which restarts nothing yet (node restarts arrive with restart support, issue 13).
   */
  | { type: "watch"; action: "reload" | "refused" | "node-changed"; nodeId: string; operatorId?: string; shorthand?: boolean; file: string; error?: Error };
