import { type Json, type TransportPlugins } from "@rivulet/core";
import { DEFAULT_TRANSPORT_KIND, type LoadedTransport, capabilitiesOf, loadTransport } from "@rivulet/core/internal";
import type { Descriptor, DescriptorError, ParsedDescriptor, ResolvedGraph, YamlPath } from "@rivulet/descriptor";
import { TransportOptionError, TransportUnavailableError, UnsupportedQueuePolicyError } from "./preflight-errors.js";

/** Every transport of a dataflow, loaded, by the name the YAML uses (`unix`, `broker`, `./p.mjs`). */
export type LoadedTransports = Map<string, LoadedTransport>;

/**
 * Loads the plugin of every transport the YAML names (on the dataflow, a node or an input, or
 * under `transports`; `unix` when none is named) and runs each plugin's `validate` hook on its
 * options. Problems are returned, not thrown, each located where it is written: an uninstalled
 * kind at every place that names it, a module that does not load at its path, an option at
 * `transports.<name>.<option>`.
 * @param plugins plugins passed in by the caller, by kind; anything else is imported (a module
 *   path from `baseDir`, a kind as `@rivulet/transport-<kind>` from `baseDir` or the daemon's package).
 */
export async function loadTransports(
  parsed: Pick<ParsedDescriptor, "descriptor" | "locate">,
  plugins: TransportPlugins,
  baseDir: string,
): Promise<{ transports: LoadedTransports; errors: DescriptorError[] }> {
  const { descriptor, locate } = parsed;
  const errors: DescriptorError[] = [];
  const transports: LoadedTransports = new Map();
  for (const [name, sites] of namedTransports(descriptor)) {
    const config = descriptor.transports[name] ?? { name, kind: name, options: {} };
    let loaded: LoadedTransport;
    try {
      loaded = await loadTransport(config.kind, plugins, { baseDir, fallbacks: [import.meta.url] });
    } catch (cause) {
      const where = descriptor.transports[name] ? [["transports", name, "kind"]] : sites;
      for (const site of where) errors.push(new TransportUnavailableError(name, config.kind, locate(site), { cause }));
      continue;
    }
    transports.set(name, loaded);
    for (const issue of loaded.plugin.validate?.(config.options as Record<string, Json>) ?? []) {
      const path: YamlPath = ["transports", name, ...issue.path];
      const last = path.at(-1);
      const at = typeof last === "string" ? locate(path.slice(0, -1), last) : locate(path);
      errors.push(new TransportOptionError(name, config.kind, issue.suggestion, issue.message, at));
    }
  }
  return { transports, errors };
}

/** Every transport name the YAML uses, with the YAML paths where it is written (in file order of kind: dataflow, `transports`, nodes). */
export function namedTransports(descriptor: Descriptor): Map<string, YamlPath[]> {
  const sites = new Map<string, YamlPath[]>();
  const add = (name: string | undefined, path: YamlPath): void => {
    if (name !== undefined) sites.set(name, [...(sites.get(name) ?? []), path]);
  };
  const raw = descriptor.raw as { transport?: unknown };
  add(raw.transport === undefined ? undefined : descriptor.transport, ["transport"]);
  if (raw.transport === undefined) add(DEFAULT_TRANSPORT_KIND, []);
  for (const name of Object.keys(descriptor.transports)) add(name, ["transports", name]);
  descriptor.nodes.forEach((node, i) => {
    add(node.transport, ["nodes", i, "transport"]);
    for (const input of node.inputs) add(input.transport, ["nodes", i, "inputs", input.id, "transport"]);
  });
  return sites;
}

/**
 * Every input whose queue policy its edge's transport cannot apply (`backpressure` without the
 * plugin's `flowControl` capability), located at the input's `queue_policy`. Transports that did
 * not load are skipped: they are reported already.
 */
export function queuePolicyErrors(graph: ResolvedGraph, transports: LoadedTransports, locate: ParsedDescriptor["locate"]): DescriptorError[] {
  const errors: DescriptorError[] = [];
  for (const edge of graph.edges) {
    const loaded = transports.get(edge.transport.name);
    const index = graph.descriptor.nodes.findIndex((n) => n.id === edge.consumer);
    const input = graph.descriptor.nodes[index]?.inputs.find((i) => i.id === edge.input);
    if (!loaded || input?.queuePolicy !== "backpressure" || capabilitiesOf(loaded.plugin).flowControl) continue;
    const at = { ...locate(["nodes", index, "inputs", edge.input], "queue_policy"), nodeId: edge.consumer };
    errors.push(new UnsupportedQueuePolicyError(edge.transport.name, edge.transport.kind, input.queuePolicy, at));
  }
  return errors;
}
