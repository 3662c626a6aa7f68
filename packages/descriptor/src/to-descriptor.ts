import { DEFAULT_QUEUE_SIZE } from "@rivulet/core";
import { DEFAULT_TRANSPORT_KIND } from "@rivulet/core/internal";
import type { Descriptor, InputDescriptor, NodeDescriptor, OperatorDescriptor, TransportConfig } from "./descriptor.js";
import { builtinName } from "./builtin-nodes.js";
import { declaredOutputs } from "./check-graph.js";
import type { RawDataflow, RawInput, RawNode, RawOperator } from "./schema.js";
import { splitArgs } from "./split-args.js";
import { isTimerSource, parseTimer } from "./timer-spec.js";

/** Converts a raw dataflow that passed every check into the camelCase descriptor. */
export function toDescriptor(raw: RawDataflow, file: string, lineOf: (nodeIndex: number) => number): Descriptor {
  const transports: Record<string, TransportConfig> = {};
  for (const [name, config] of Object.entries(raw.transports ?? {})) {
    const { kind, ...options } = config;
    transports[name] = { name, kind, options };
  }
  return {
    file,
    transport: raw.transport ?? DEFAULT_TRANSPORT_KIND,
    transports,
    nodes: raw.nodes.map((node, i) => toNode(node, lineOf(i))),
    raw,
  };
}

function toNode(node: RawNode, line: number): NodeDescriptor {
  const custom = node.custom;
  const path = node.path ?? custom?.source;
  const timer = path !== undefined && isTimerSource(path) ? parseTimer(path) : undefined;
  const single = node.operator
    ? [toOperator({ id: "op", ...node.operator, inputs: { ...node.inputs, ...node.operator.inputs }, outputs: [...(node.outputs ?? []), ...(node.operator.outputs ?? [])] }, "")]
    : [];
  const operators = node.operators?.map((op) => toOperator(op, `${op.id!}/`)) ?? single;
  const args = node.args ?? custom?.args;
  const inputs = { ...custom?.inputs, ...node.inputs, ...(node.operator ? node.operator.inputs : {}) };
  const builtin = path !== undefined ? builtinName(path) : undefined;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...custom?.envs, ...node.env })) env[key] = String(value);
  return {
    id: node.id,
    name: node.name,
    description: node.description,
    kind: typeof timer === "object" ? "timer" : operators.length > 0 ? "runtime" : builtin ? "builtin" : "process",
    path: typeof timer === "object" ? undefined : path,
    args: args === undefined ? [] : typeof args === "string" ? splitArgs(args) : args,
    env,
    build: node.build ?? custom?.build,
    inputs: toInputs(inputs),
    outputs: declaredOutputs(node as Record<string, unknown>),
    operators,
    config: node.config ?? {},
    ...(builtin ? { builtin } : {}),
    timer: typeof timer === "object" ? timer : undefined,
    sendStdoutAs: node.send_stdout_as,
    restartPolicy: node.restart_policy ?? "never",
    maxRestarts: node.max_restarts,
    restartDelaySecs: node.restart_delay,
    deploy: node.deploy || node._unstable_deploy ? { machine: (node.deploy ?? node._unstable_deploy)?.machine, workingDir: (node.deploy ?? node._unstable_deploy)?.working_dir } : undefined,
    transport: node.transport,
    line,
  };
}

function toOperator(op: RawOperator, portPrefix: string): OperatorDescriptor {
  return {
    id: op.id ?? "op",
    language: op.typescript !== undefined ? "typescript" : "javascript",
    path: (op.typescript ?? op.javascript)!,
    build: op.build,
    inputs: toInputs(op.inputs ?? {}),
    outputs: op.outputs ?? [],
    thread: op.thread ?? "shared",
    portPrefix,
  };
}

function toInputs(inputs: Record<string, RawInput>): InputDescriptor[] {
  return Object.entries(inputs).map(([id, input]) => {
    const long = typeof input === "string" ? { source: input } : input;
    const timer = isTimerSource(long.source) ? parseTimer(long.source) : undefined;
    const [node = "", ...rest] = long.source.split("/");
    return {
      id,
      sourceText: long.source,
      source: typeof timer === "object" ? { kind: "timer", timer } : { kind: "output", node, output: rest.join("/") },
      queueSize: long.queue_size ?? DEFAULT_QUEUE_SIZE,
      queuePolicy: long.queue_policy ?? "drop_oldest",
      inputTimeoutSecs: long.input_timeout,
      transport: long.transport,
    };
  });
}
