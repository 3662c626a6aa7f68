import type { Parameter } from "./event.js";
import type { NodeTransportConfig } from "./node-config.js";

/**
 * Messages on the control plane (one Unix socket, wire frames of kind CONTROL_KIND carrying
 * JSON). Node to daemon first sends `register` with the run's token. docs/protocol.md describes
 * every message and its order for clients written in other languages.
 */
export const CONTROL_KIND = 0;

export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";

/** Node status shown to users (Node-BLUE's `status`). */
export interface NodeStatus {
  text?: string;
  fill?: "red" | "green" | "yellow" | "blue" | "grey";
  shape?: "ring" | "dot";
}

/**
 * Messages dropped so far by one node, by input id and by output id (totals since start;
 * ids with no drops may be left out).
 */
export interface DropCounts {
  inputs: Record<string, number>;
  outputs: Record<string, number>;
}

export type NodeToDaemon =
  | { t: "register"; nodeId: string; token: string; protocolVersion: number }
  /** Every input is subscribed and every output publisher is up: the node is past the barrier's wait. */
  | { t: "subscribed" }
  | { t: "log"; level: LogLevel; message: string; fields?: Record<string, Parameter> }
  | { t: "status"; status: NodeStatus }
  /** Drop counters changed while running (throttled); totals so far. */
  | { t: "drops"; drops: DropCounts }
  /** A send on `output` has waited `waitedMs` for a flow-controlled consumer and still waits. */
  | { t: "output_stalled"; output: string; waitedMs: number }
  /** A send reported as stalled completed after `waitedMs`. */
  | { t: "output_resumed"; output: string; waitedMs: number }
  /** The node closed its outputs (finished sending); final drop totals. */
  | { t: "outputs_closed"; drops: DropCounts }
  /** The node asks the daemon to stop the whole dataflow, as `rivulet stop` or Ctrl-C would (an operator's STOP_ALL). */
  | { t: "stop_all"; reason?: string };

/**
 * The daemon's answer to a node's `register`: with the options of every transport the node uses,
 * by name, which may hold broker credentials and so never travel in the node's environment.
 */
export interface RegisteredMessage {
  t: "registered";
  transports?: Record<string, NodeTransportConfig>;
}

export type DaemonToNode =
  | RegisteredMessage
  | { t: "refused"; reason: string }
  /** Every node registered and subscribed: sends may start. */
  | { t: "ready" }
  | { t: "stop" }
  | { t: "timer"; inputs: string[]; timestamp: number }
  | { t: "input_closed"; inputs: string[] }
  | { t: "node_failed"; sourceNodeId: string; error: string; inputs: string[] }
  /** `rivulet run --watch`: the module of operator `operator` (hosted by this runtime node) changed; reload it. */
  | { t: "reload_operator"; operator: string };
