import { fileURLToPath } from "node:url";
import type { BuiltinNodeName, DescriptorError, NodeDescriptor, ParsedDescriptor, YamlPath } from "@rivulet/descriptor";
import { validateBridgeConfig } from "@rivulet/mqtt-bridge";
import { NodeSettingsError } from "./preflight-errors.js";

/** A problem in a built-in node's `config:` or in how its inputs and outputs match it, at a path under the node. */
export interface BuiltinIssue {
  path: (string | number)[];
  message: string;
  suggestion?: string;
}

/** What the daemon knows of one built-in node: the process to start and the check of its YAML. */
interface BuiltinNode {
  /** The compiled program run with Node. */
  main: string;
  validate(config: unknown, node: { id: string; inputs: readonly string[]; outputs: readonly string[] }): BuiltinIssue[];
}

const BUILTINS: Readonly<Record<BuiltinNodeName, () => BuiltinNode>> = {
  "mqtt-bridge": () => ({ main: fileURLToPath(import.meta.resolve("@rivulet/mqtt-bridge/main")), validate: validateBridgeConfig }),
};

/** The program a built-in node runs (`path: rivulet/<name>`). */
export function builtinMain(name: BuiltinNodeName): string {
  return BUILTINS[name]().main;
}

/**
 * The problems of a built-in node's `config:` (and of its inputs and outputs against it), each
 * located where it is written: `rivulet check` and `rivulet run` report them alike, before
 * anything starts.
 */
export function builtinConfigErrors(node: NodeDescriptor, parsed: Pick<ParsedDescriptor, "descriptor" | "locate">): DescriptorError[] {
  if (node.kind !== "builtin" || !node.builtin) return [];
  const index = parsed.descriptor.nodes.indexOf(node);
  const raw = (parsed.descriptor.raw as { nodes?: { config?: unknown }[] }).nodes?.[index];
  const issues = BUILTINS[node.builtin]().validate(raw?.config, { id: node.id, inputs: node.inputs.map((i) => i.id), outputs: node.outputs });
  return issues.map((issue) => {
    const path: YamlPath = ["nodes", index, ...issue.path];
    const last = path.at(-1);
    const at = typeof last === "string" && issue.path.length > 0 && hasKey(raw, issue.path) ? parsed.locate(path.slice(0, -1), last) : parsed.locate(deepestWritten(raw, path, index));
    return new NodeSettingsError(node.id, `rivulet/${node.builtin}`, issue.message, issue.suggestion, { ...at, nodeId: node.id });
  });
}

/** True when the key `path` ends with is written in the node's YAML (a missing key is located at its parent). */
function hasKey(raw: unknown, path: (string | number)[]): boolean {
  let value: unknown = raw;
  for (const key of path) {
    if (typeof value !== "object" || value === null || !(key in value)) return false;
    value = (value as Record<string | number, unknown>)[key];
  }
  return true;
}

/** The longest prefix of `path` that is written in the YAML (a missing `config:` is located at the node). */
function deepestWritten(raw: unknown, path: YamlPath, index: number): YamlPath {
  const under = path.slice(2) as (string | number)[];
  let length = 0;
  let value: unknown = raw;
  for (const key of under) {
    if (typeof value !== "object" || value === null || !(key in value)) break;
    value = (value as Record<string | number, unknown>)[key];
    length++;
  }
  return ["nodes", index, ...under.slice(0, length)];
}
