/**
 * @rivulet/descriptor — dataflow YAML -> validated, typed descriptor -> resolved graph.
 *
 * ```ts
 * import { parseDescriptor, resolveGraph } from "@rivulet/descriptor";
 * const { descriptor, warnings } = parseDescriptor(yamlText, "dataflow.yml");
 * const graph = resolveGraph(descriptor); // edges with their transports, timer inputs
 * ```
 */
export { parseDescriptor, loadDescriptor, type ParsedDescriptor } from "./parse-descriptor.js";
export { resolveGraph, allInputs, type ResolvedGraph, type Edge, type LocalEdge, type TimerInput } from "./resolve-graph.js";
export { toMermaid } from "./mermaid.js";
export { formatPath, type YamlPath } from "./yaml-locator.js";
export { didYouMean } from "@rivulet/core";
export { dataflowJsonSchema, dataflowSchema, TRANSPORT_KINDS, QUEUE_POLICIES, OPERATOR_THREADS, ID_PATTERN } from "./schema.js";
export { parseTimer, isTimerSource, MIN_TIMER_PERIOD_NS, type TimerSpec } from "./timer-spec.js";
export { BUILTIN_NODES, type BuiltinNodeName, builtinName, isBuiltinPath } from "./builtin-nodes.js";
export { splitArgs } from "./split-args.js";
export * from "./descriptor-errors.js";
export { DescriptorFileNotFoundError, DescriptorReadError } from "./descriptor-file-errors.js";
export type * from "./descriptor.js";
