import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, resolve } from "node:path";
import { type ChannelRequest, type InputConfig, type Json, type NodeConfig, type OperatorConfig, type OutputConfig, type PlannedChannel, CONTROL_PROTOCOL_VERSION, DEFAULT_PLAN_TIMEOUT_MS } from "@rivulet/core";
import { waitFor } from "@rivulet/core/internal";
import { type DescriptorErrorInit, type NodeDescriptor, type OperatorDescriptor, type ResolvedGraph, type TransportConfig, allInputs } from "@rivulet/descriptor";
import { PlanError } from "./daemon-errors.js";
import type { LoadedTransports } from "./transport-checks.js";

/** What the planner needs besides the graph. */
export interface PlanContext {
  dataflowId: string;
  /** The dataflow's name, stable across runs (see `dataflowNameOf`); passed to every plugin's `plan()`. */
  dataflowName?: string;
  runDir: string;
  controlSocket: string;
  token: string;
  /** Every transport's loaded plugin by the name the YAML uses (from `preflight`). */
  transports: LoadedTransports;
  /** Where a transport is named in the YAML (from `preflight`), to locate a `PlanError`. */
  locate?: (transport: string) => DescriptorErrorInit | undefined;
  /** How long one plugin's `plan()` may take; default DEFAULT_PLAN_TIMEOUT_MS. */
  planTimeoutMs?: number;
  /** Receives every file a plugin registers for removal at the end of the run (`PlanRequest.cleanup`). */
  onCleanup?: (path: string) => void;
}

/**
 * Plans the data plane: asks each transport's plugin for connection info of every channel it
 * carries, then builds each node's RIVULET_NODE_CONFIG. A producer output gets one channel per
 * distinct transport its consumers use; each input gets the channel of its own edge. A channel
 * of a plugin loaded from a module carries that module's URL, so that nodes load the same one,
 * and every channel a `channelId` (from 1, unique in the run) that its frames carry.
 * An edge between two operators of one runtime node (`graph.local`) gets no channel: its input is
 * `local`, and its output carries channels for its other consumers only. A runtime node's config
 * lists its operators, with their modules' absolute paths (relative to the YAML's folder).
 * Plugins plan one after the other; an async `plan()` gets `planTimeoutMs`.
 * @throws PlanError when a transport was not loaded by preflight, or its plugin's plan() throws,
 *   rejects, or has not resolved within the timeout.
 */
export async function planDataflow(graph: ResolvedGraph, context: PlanContext): Promise<Map<string, NodeConfig>> {
  const byTransport = new Map<string, { config: TransportConfig; channels: Map<string, ChannelRequest> }>();
  for (const edge of graph.edges) {
    let entry = byTransport.get(edge.transport.name);
    if (!entry) {
      entry = { config: edge.transport, channels: new Map() };
      byTransport.set(edge.transport.name, entry);
    }
    let channel = entry.channels.get(edge.channel);
    if (!channel) {
      channel = { channel: edge.channel, producer: edge.producer, output: edge.output, subscribers: [] };
      entry.channels.set(edge.channel, channel);
    }
    if (!channel.subscribers.includes(edge.consumer)) channel.subscribers.push(edge.consumer);
  }

  const planned = new Map<string, PlannedChannel>(); // key: transport name + channel
  let index = 0;
  let channelIds = 0;
  for (const [name, { config, channels }] of byTransport) {
    const loaded = context.transports.get(name);
    const at = context.locate?.(name);
    if (!loaded) throw new PlanError(name, `transport '${name}' (kind '${config.kind}') was not loaded before planning`, { at });
    const runDir = join(context.runDir, `t${index++}`);
    mkdirSync(runDir, { mode: 0o700 });
    const timeoutMs = context.planTimeoutMs ?? DEFAULT_PLAN_TIMEOUT_MS;
    let result: PlannedChannel[] | undefined;
    try {
      const cleanup = (path: string): void => {
        if (!isAbsolute(path) || normalize(path) !== path || path.endsWith("/") || path.includes("\n")) throw new PlanError(name, `its plugin registered '${path}' for clean-up: only a file's absolute, normalised path can be`, { at });
        context.onCleanup?.(path);
      };
      const planning = loaded.plugin.plan({ dataflowId: context.dataflowId, ...(context.dataflowName !== undefined ? { dataflowName: context.dataflowName } : {}), runDir, options: config.options as Record<string, Json>, channels: [...channels.values()], cleanup });
      result = Array.isArray(planning) ? planning : await waitFor<PlannedChannel[] | undefined>((resolve, reject) => void Promise.resolve(planning).then(resolve, reject), { timeout: { ms: timeoutMs, value: undefined } });
    } catch (cause) {
      if (cause instanceof PlanError) throw cause;
      throw new PlanError(name, `its plugin failed to plan: ${(cause as Error).message}`, { cause, at });
    }
    if (result === undefined) throw new PlanError(name, `its plugin did not finish planning within ${timeoutMs} ms`, { at });
    for (const channel of result) {
      // Every planned channel gets its own id, from 1, unique in the run: frames carry it, and a
      // transport may multiplex several channels on one connection by it.
      const stamped: PlannedChannel = { ...channel, channelId: ++channelIds, transport: name };
      if (loaded.module !== undefined) stamped.module = loaded.module;
      planned.set(`${name}\u0000${channel.channel}`, stamped);
    }
  }

  const configs = new Map<string, NodeConfig>();
  for (const node of graph.nodes) {
    const edgesIn = graph.edges.filter((e) => e.consumer === node.id);
    const localIn = graph.local.filter((e) => e.node === node.id);
    const inputs: InputConfig[] = allInputs(node).map((input) => {
      const local = localIn.find((e) => e.input === input.id);
      const common = { id: input.id, queueSize: input.queueSize, queuePolicy: input.queuePolicy };
      if (local) return { ...common, source: `${node.id}/${local.output}`, producer: node.id, local: true };
      const edge = edgesIn.find((e) => e.input === input.id);
      return {
        ...common,
        source: edge ? edge.channel : "timer",
        channel: edge ? planned.get(`${edge.transport.name}\u0000${edge.channel}`) : undefined,
        producer: edge?.producer,
      };
    });
    const outputs: OutputConfig[] = node.outputs.map((output) => {
      const names = new Set(graph.edges.filter((e) => e.producer === node.id && e.output === output).map((e) => e.transport.name));
      return { id: output, channels: [...names].map((name) => planned.get(`${name}\u0000${node.id}/${output}`)!) };
    });
    const used = new Set([...inputs.flatMap((i) => (i.channel ? [i.channel.transport!] : [])), ...outputs.flatMap((o) => o.channels.map((c) => c.transport!))]);
    const transports = Object.fromEntries([...used].map((name) => {
      const config = byTransport.get(name)!.config;
      return [name, { kind: config.kind, options: config.options as Record<string, Json> }];
    }));
    configs.set(node.id, {
      protocolVersion: CONTROL_PROTOCOL_VERSION,
      dataflowId: context.dataflowId,
      ...(context.dataflowName !== undefined ? { dataflowName: context.dataflowName } : {}),
      nodeId: node.id,
      controlSocket: context.controlSocket,
      token: context.token,
      inputs,
      outputs,
      transports,
      descriptor: graph.descriptor.raw,
      ...(Object.keys(node.config).length > 0 ? { settings: node.config as Record<string, Json> } : {}),
      ...(node.kind === "runtime" ? { operators: operatorConfigs(node, dirname(resolve(graph.descriptor.file))) } : {}),
    });
  }
  return configs;
}

/** What a runtime node's config says of its operators: modules by absolute path, and their ids on the node. */
function operatorConfigs(node: NodeDescriptor, baseDir: string): OperatorConfig[] {
  const onNode = (op: OperatorDescriptor, ids: readonly string[]): Record<string, string> => Object.fromEntries(ids.map((id) => [id, `${op.portPrefix}${id}`]));
  return node.operators.map((op) => ({
    id: op.id,
    module: resolve(baseDir, op.path),
    language: op.language,
    thread: op.thread,
    inputs: onNode(op, op.inputs.map((input) => input.id)),
    outputs: onNode(op, op.outputs),
  }));
}
