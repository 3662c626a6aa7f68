import type { BuiltinNodeName } from "./builtin-nodes.js";
import type { QueuePolicy } from "@rivulet/core";
import type { TimerSpec } from "./timer-spec.js";

export type { QueuePolicy };

/** Where an input's messages come from. */
export type InputSource =
  | { kind: "output"; node: string; output: string }
  | { kind: "timer"; timer: TimerSpec };

export interface InputDescriptor {
  id: string;
  /** The source as written in the YAML. */
  sourceText: string;
  source: InputSource;
  queueSize: number;
  queuePolicy: QueuePolicy;
  /** Seconds without a message before the input counts as stale. */
  inputTimeoutSecs?: number;
  /** Transport name named on this input, if any. */
  transport?: string;
}

export interface OperatorDescriptor {
  /** The operator's id; `op` for the `operator:` shorthand. */
  id: string;
  language: "typescript" | "javascript";
  /** The module, as written (relative to the YAML's folder). */
  path: string;
  build?: string;
  /** Its inputs, by its own ids (`in`). */
  inputs: InputDescriptor[];
  /** Its outputs, by its own ids (`out`). */
  outputs: string[];
  thread: "shared" | "worker";
  /**
   * What its input and output ids get in front on the runtime node, and so in sources that name
   * them: `""` for the `operator:` shorthand (`node/out`), `<id>/` in an `operators:` list, even
   * a one-entry one (`node/op/out`).
   */
  portPrefix: string;
}

/** What runs for a node: a process, a built-in timer, a runtime hosting operators, or a built-in node (`rivulet/<name>`). */
export type NodeKind = "process" | "timer" | "runtime" | "builtin";

export interface NodeDescriptor {
  id: string;
  name?: string;
  description?: string;
  kind: NodeKind;
  /** The program for `process` nodes, as written (relative to the YAML's folder). */
  path?: string;
  args: string[];
  env: Record<string, string>;
  build?: string;
  inputs: InputDescriptor[];
  /** Output ids; for runtimes with an `operators` list, `operator/output`. */
  outputs: string[];
  operators: OperatorDescriptor[];
  /** The node's `config:` mapping from the YAML ({} when absent). */
  config: Record<string, unknown>;
  /** For built-in nodes (`path: rivulet/<name>`): the name. */
  builtin?: BuiltinNodeName;
  /** For built-in timer nodes (`path: dora/timer/...`). */
  timer?: TimerSpec;
  sendStdoutAs?: string;
  restartPolicy: "never" | "on-failure" | "always";
  maxRestarts?: number;
  restartDelaySecs?: number;
  deploy?: { machine?: string; workingDir?: string };
  /** Default transport for this node's outputs, as named. */
  transport?: string;
  /** Line of the node's entry in the YAML, for messages. */
  line: number;
}

/** A named transport configuration (`transports.<name>`), or a built-in kind used by name. */
export interface TransportConfig {
  name: string;
  kind: string;
  options: Record<string, unknown>;
}

/** A validated dataflow, camelCase. */
export interface Descriptor {
  file: string;
  /** Default transport name of the dataflow (`unix` when omitted). */
  transport: string;
  transports: Record<string, TransportConfig>;
  nodes: NodeDescriptor[];
  /** The YAML as plain data, for `node.dataflowDescriptor()`. */
  raw: unknown;
}
