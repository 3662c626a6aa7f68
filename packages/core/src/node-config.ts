import { NODE_CONFIG_ENV } from "./constants.js";
import { NodeConfigError } from "./errors.js";
import type { Json, PlannedChannel } from "./transport.js";

/** Queue policy of an input (DESIGN §2). */
export type QueuePolicy = "drop_oldest" | "backpressure";

/** One input of a node, as the daemon planned it. */
export interface InputConfig {
  id: string;
  /** `node/output`, or `timer` for inputs fed by a daemon timer. */
  source: string;
  queueSize: number;
  queuePolicy: QueuePolicy;
  /** Planned channel; absent for timer inputs (ticks come over the control plane). */
  channel?: PlannedChannel;
  /** Node id of the producer, absent for timers. */
  producer?: string;
  /**
   * True for an input of a runtime node fed by an operator of that same runtime node: no channel
   * is planned for it (`channel` is absent, and the producing output has no channel for it); the
   * runtime hands the values over in-process. Absent otherwise.
   */
  local?: boolean;
}

/** One output of a node, with one planned channel per transport its consumers use. */
export interface OutputConfig {
  id: string;
  channels: PlannedChannel[];
}

/** Where an operator runs: on its runtime's event loop (`shared`, the default) or on a worker thread of its own. */
export type OperatorThread = "shared" | "worker";

/** One operator a runtime node hosts, as the daemon planned it. */
export interface OperatorConfig {
  /** The operator's id (`op` for the `operator:` shorthand). */
  id: string;
  /** Absolute path of the operator's `.ts`/`.js` module. */
  module: string;
  language: "typescript" | "javascript";
  thread: OperatorThread;
  /** The operator's inputs: its own id (`in`) -> the runtime node's input id (`op/in`, or `in` for the shorthand). */
  inputs: Record<string, string>;
  /** The operator's outputs: its own id (`out`) -> the runtime node's output id (`op/out`, or `out` for the shorthand). */
  outputs: Record<string, string>;
}

/** Everything a node learns from `RIVULET_NODE_CONFIG`. */
export interface NodeConfig {
  protocolVersion: number;
  dataflowId: string;
  /** The dataflow's name (stable across runs, unlike `dataflowId`), when the daemon knows it. */
  dataflowName?: string;
  nodeId: string;
  /** Path of the daemon's control socket. */
  controlSocket: string;
  /** Per-run secret the node presents when registering. */
  token: string;
  inputs: InputConfig[];
  outputs: OutputConfig[];
  /**
   * A send that has waited this long for a flow-controlled consumer is reported to the daemon
   * (`output_stalled`); default DEFAULT_STALL_REPORT_MS.
   */
  stallReportMs?: number;
  /**
   * Every transport this node's channels use, by its name in the YAML (`PlannedChannel.transport`):
   * its kind and options, given to the plugin's `create()`. Absent in configs written by hand;
   * a channel then uses its kind as the name and no options. A node started by the daemon finds
   * no options here: they may hold broker credentials, so they come over the control socket at
   * registration (`registered.transports`), never in the environment (see `environmentConfig`).
   */
  transports?: Record<string, NodeTransportConfig>;
  /** The node's `config:` mapping from the YAML, for `node.settings()`; absent when it has none. */
  settings?: Record<string, Json>;
  /** The parsed dataflow descriptor (YAML as JSON), for `dataflowDescriptor()`. */
  descriptor: unknown;
  /** The operators this node hosts: present, and not empty, for runtime nodes only. */
  operators?: OperatorConfig[];
}

/** One named transport of a node: its kind and its options from the YAML (`transports.<name>` minus `kind`). */
export interface NodeTransportConfig {
  kind: string;
  options?: Record<string, Json>;
}

/**
 * What of a node's configuration goes into its environment (RIVULET_NODE_CONFIG), which the
 * node's own child processes inherit and other processes of the same user can read: everything
 * but the transports' options (passwords, tokens, key files), which the daemon hands over at
 * registration instead, in the descriptor as in `transports`, and the other nodes' `config:`
 * (a bridge's broker password): the descriptor keeps no node's `config:`, the node's own comes
 * as `settings`.
 */
export function environmentConfig(config: NodeConfig): NodeConfig {
  const transports = config.transports && Object.fromEntries(Object.entries(config.transports).map(([name, t]) => [name, { kind: t.kind }]));
  return { ...config, ...(transports ? { transports } : {}), descriptor: withoutNodeConfigs(withoutTransportOptions(config.descriptor)) };
}

/** The descriptor (YAML as JSON) without the `config:` of any node. */
function withoutNodeConfigs(descriptor: unknown): unknown {
  if (typeof descriptor !== "object" || descriptor === null || Array.isArray(descriptor)) return descriptor;
  const nodes = (descriptor as Record<string, unknown>).nodes;
  if (!Array.isArray(nodes)) return descriptor;
  const stripped = nodes.map((node: unknown) => {
    if (typeof node !== "object" || node === null || !("config" in node)) return node;
    const { config: _config, ...rest } = node as Record<string, unknown>;
    return rest;
  });
  return { ...(descriptor as Record<string, unknown>), nodes: stripped };
}

/** The descriptor (YAML as JSON) with each entry of `transports:` reduced to its `kind`. */
function withoutTransportOptions(descriptor: unknown): unknown {
  if (typeof descriptor !== "object" || descriptor === null || Array.isArray(descriptor)) return descriptor;
  const named = (descriptor as Record<string, unknown>).transports;
  if (typeof named !== "object" || named === null || Array.isArray(named)) return descriptor;
  const reduced = Object.fromEntries(
    Object.entries(named as Record<string, unknown>).map(([name, entry]) => [
      name,
      typeof entry === "object" && entry !== null && !Array.isArray(entry) ? { kind: (entry as Record<string, unknown>).kind } : entry,
    ]),
  );
  return { ...(descriptor as Record<string, unknown>), transports: reduced };
}

/**
 * Reads the node configuration from the environment.
 * @throws NodeConfigError when the variable is missing or is not valid JSON of the right shape.
 */
export function readNodeConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const raw = env[NODE_CONFIG_ENV];
  if (!raw) {
    throw new NodeConfigError(
      `${NODE_CONFIG_ENV} is not set: this program is a Rivulet node and must be started by 'rivulet run <dataflow.yml>' (or pass a config to new Node())`,
    );
  }
  let config: NodeConfig;
  try {
    config = JSON.parse(raw) as NodeConfig;
  } catch (cause) {
    throw new NodeConfigError(`${NODE_CONFIG_ENV} is not valid JSON`, { cause });
  }
  for (const key of ["dataflowId", "nodeId", "controlSocket", "token"] as const) {
    if (typeof config[key] !== "string") throw new NodeConfigError(`${NODE_CONFIG_ENV} has no string '${key}'`);
  }
  if (!Array.isArray(config.inputs) || !Array.isArray(config.outputs)) {
    throw new NodeConfigError(`${NODE_CONFIG_ENV} has no 'inputs' and 'outputs' lists`);
  }
  return config;
}
