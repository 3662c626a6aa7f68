import type { Descriptor, InputDescriptor, NodeDescriptor, TransportConfig } from "./descriptor.js";
import type { TimerSpec } from "./timer-spec.js";

/** One data edge: a producer output feeding a consumer input over a transport. */
export interface Edge {
  /** `producer/output`. */
  channel: string;
  producer: string;
  output: string;
  consumer: string;
  input: string;
  transport: TransportConfig;
}

/** A consumer input fed by a daemon timer (a `dora/timer/...` source or a timer node). */
export interface TimerInput {
  consumer: string;
  input: string;
  timer: TimerSpec;
}

/**
 * An input of a runtime node fed by an operator of the same runtime node: no transport carries
 * it, the runtime hands the values over in-process.
 */
export interface LocalEdge {
  /** The runtime node. */
  node: string;
  /** The producing output, as the runtime node names it (`op/out`, or `out` for the shorthand). */
  output: string;
  /** The consuming input, as the runtime node names it (`op/in`, or `in`). */
  input: string;
}

/** The dataflow as the daemon plans it: process nodes, data edges and timer inputs. */
export interface ResolvedGraph {
  descriptor: Descriptor;
  /** Nodes that run as processes (timer nodes are served by the daemon). */
  nodes: NodeDescriptor[];
  /** Edges carried by a transport (every edge but the local ones). */
  edges: Edge[];
  /** Edges between operators of one runtime node. */
  local: LocalEdge[];
  timers: TimerInput[];
}

/**
 * Resolves every input to an edge, a local edge (between operators of one runtime node) or a
 * timer, and picks each edge's transport: input `transport` ?? producer `transport` ?? dataflow
 * `transport` ?? `unix`.
 */
export function resolveGraph(descriptor: Descriptor): ResolvedGraph {
  const byId = new Map(descriptor.nodes.map((n) => [n.id, n]));
  const edges: Edge[] = [];
  const local: LocalEdge[] = [];
  const timers: TimerInput[] = [];
  const transportOf = (name: string): TransportConfig => descriptor.transports[name] ?? { name, kind: name, options: {} };
  for (const consumer of descriptor.nodes) {
    for (const input of allInputs(consumer)) {
      if (input.source.kind === "timer") {
        timers.push({ consumer: consumer.id, input: input.id, timer: input.source.timer });
        continue;
      }
      const producer = byId.get(input.source.node)!;
      if (producer.kind === "timer") {
        timers.push({ consumer: consumer.id, input: input.id, timer: producer.timer! });
        continue;
      }
      if (producer === consumer && consumer.kind === "runtime") {
        local.push({ node: consumer.id, output: input.source.output, input: input.id });
        continue;
      }
      edges.push({
        channel: `${producer.id}/${input.source.output}`,
        producer: producer.id,
        output: input.source.output,
        consumer: consumer.id,
        input: input.id,
        transport: transportOf(input.transport ?? producer.transport ?? descriptor.transport),
      });
    }
  }
  return { descriptor, nodes: descriptor.nodes.filter((n) => n.kind !== "timer"), edges, local, timers };
}

/**
 * A node's inputs; for a runtime node, those its operators declare, by the ids the runtime node
 * gives them (`operator/input` in an `operators:` list, `input` for the `operator:` shorthand).
 */
export function allInputs(node: NodeDescriptor): InputDescriptor[] {
  if (node.kind !== "runtime") return node.inputs;
  return node.operators.flatMap((op) => op.inputs.map((input) => ({ ...input, id: `${op.portPrefix}${input.id}` })));
}
