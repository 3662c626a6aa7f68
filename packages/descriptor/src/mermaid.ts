import { DEFAULT_TRANSPORT_KIND } from "@rivulet/core/internal";
import type { Descriptor } from "./descriptor.js";
import { resolveGraph } from "./resolve-graph.js";

/** Mermaid `flowchart` text of a dataflow: one box per node, one arrow per input (a loop for one between operators of a runtime). */
export function toMermaid(descriptor: Descriptor): string {
  const graph = resolveGraph(descriptor);
  const lines = ["flowchart TB"];
  const ref = (id: string): string => `n_${id.replace(/[^A-Za-z0-9_]/g, "_")}`;
  const label = (text: string): string => text.replace(/"/g, "#quot;");
  for (const node of descriptor.nodes) {
    const shape = node.kind === "timer" ? [`(["`, `"])`] : node.kind === "runtime" ? [`[["`, `"]]`] : [`["`, `"]`];
    lines.push(`  ${ref(node.id)}${shape[0]}${label(node.id)}${shape[1]}`);
  }
  const timerNodes = new Set<string>();
  for (const timer of graph.timers) {
    const producer = descriptor.nodes.find((n) => n.kind === "timer" && n.timer === timer.timer);
    const source = producer ? ref(producer.id) : `t_${ref(timer.timer.spec)}`;
    if (!producer && !timerNodes.has(source)) {
      timerNodes.add(source);
      lines.push(`  ${source}(["${label(timer.timer.spec)}"])`);
    }
    lines.push(`  ${source} -- "${label(timer.input)}" --> ${ref(timer.consumer)}`);
  }
  for (const edge of graph.edges) {
    const transport = edge.transport.kind === DEFAULT_TRANSPORT_KIND ? "" : ` (${edge.transport.name})`;
    const text = edge.output === edge.input ? edge.output : `${edge.output} -> ${edge.input}`;
    lines.push(`  ${ref(edge.producer)} -- "${label(text + transport)}" --> ${ref(edge.consumer)}`);
  }
  for (const edge of graph.local) lines.push(`  ${ref(edge.node)} -- "${label(`${edge.output} -> ${edge.input} (in-process)`)}" --> ${ref(edge.node)}`);
  return lines.join("\n") + "\n";
}
