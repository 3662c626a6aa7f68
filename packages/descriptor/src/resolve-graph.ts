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

/** The dataflow as the daemon plans it: process nodes, data edges and timer inputs. */
export interface ResolvedGraph {
  descriptor: Descriptor;
  /** Nodes that run as processes (timer nodes are served by the daemon). */
  nodes: NodeDescriptor[];
  edges: Edge[];
  timers: TimerInput[];
}

/**
 * Resolves every input to an edge or a timer, and picks each edge's transport:
 * input `transport` ?? producer `transport` ?? dataflow `transport` ?? `unix`.
 */
export function resolveGraph(descriptor: Descriptor): ResolvedGraph {
  const byId = new Map(descriptor.nodes.map((n) => [n.id, n]));
  const edges: Edge[] = [];
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
  return { descriptor, nodes: descriptor.nodes.filter((n) => n.kind !== "timer"), edges, timers };
}

/** A node's inputs, including those its operators declare (as `operator/input`). */
export function allInputs(node: NodeDescriptor): InputDescriptor[] {
  if (node.kind !== "runtime" || node.operators.length === 0) return node.inputs;
  const single = node.operators.length === 1 && node.operators[0]!.id === "op";
  return node.operators.flatMap((op) => op.inputs.map((input) => (single ? input : { ...input, id: `${op.id}/${input.id}` })));
}
