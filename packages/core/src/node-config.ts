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
}

/** One output of a node, with one planned channel per transport its consumers use. */
export interface OutputConfig {
  id: string;
  channels: PlannedChannel[];
}

/** Everything a node learns from `RIVULET_NODE_CONFIG`. */
export interface NodeConfig {
  protocolVersion: number;
  dataflowId: string;
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
   * a channel then uses its kind as the name and no options.
   */
  transports?: Record<string, { kind: string; options: Record<string, Json> }>;
  /** The parsed dataflow descriptor (YAML as JSON), for `dataflowDescriptor()`. */
  descriptor: unknown;
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
