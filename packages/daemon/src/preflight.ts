import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { RivuletError, type TransportPlugins } from "@rivulet/core";
import { type Descriptor, type DescriptorWarning, type ParsedDescriptor, type ResolvedGraph, loadDescriptor, resolveGraph } from "@rivulet/descriptor";
import { UnsupportedFeatureError } from "./daemon-errors.js";
import { moduleTypeProblem } from "./module-type.js";
import { type NodeCommand, nodeCommand } from "./node-command.js";
import { unresolvedPackages } from "./node-imports.js";
import { NodeModuleTypeError, UnresolvedImportError } from "./preflight-errors.js";
import { type LoadedTransports, loadTransports } from "./transport-checks.js";

/** Everything checked before a single process starts. */
export interface Preflight {
  descriptor: Descriptor;
  graph: ResolvedGraph;
  baseDir: string;
  commands: Map<string, NodeCommand>;
  /** The plugin (and module) of every transport the YAML names, by that name; what planning uses. */
  transports: LoadedTransports;
  /** Deprecated keys, and accepted keys this version does not act on yet, located. */
  warnings: { message: string; nodeId?: string }[];
}

/** What `preflight` is given besides the file. */
export interface PreflightOptions {
  /** Transport plugins by kind, used instead of importing a module for that kind. */
  transports?: TransportPlugins;
}

/** One or more problems stop the dataflow before anything starts; all are listed in `errors`. */
export class PreflightError extends RivuletError {
  constructor(readonly errors: readonly Error[]) {
    super(errors.map((e) => e.message).join("\n"));
  }
}

/**
 * Loads and validates the dataflow, then checks what only the file system can tell: every
 * transport's plugin loads and accepts its options, every node's program exists, can load as
 * written (module format) and finds the packages it imports. The one check behind both
 * `rivulet check` and `rivulet run`; everything is reported together, before anything is spawned.
 * @throws DescriptorValidationError for descriptor errors; PreflightError for the rest.
 */
export async function preflight(file: string, options: PreflightOptions = {}): Promise<Preflight> {
  const parsed = await loadDescriptor(file);
  const baseDir = dirname(resolve(file));
  const graph = resolveGraph(parsed.descriptor);
  const warnings = parsed.warnings.map((w: DescriptorWarning) => ({ message: `${w.file}:${w.line}:${w.column}: ${w.message}`, nodeId: w.nodeId }));
  const loaded = await loadTransports(parsed, options.transports ?? {}, baseDir);
  const errors: Error[] = [...loaded.errors];
  const commands = new Map<string, NodeCommand>();
  for (const node of graph.nodes) {
    const index = parsed.descriptor.nodes.indexOf(node);
    if (node.kind === "runtime") {
      errors.push(new UnsupportedFeatureError(node.id, "operators (operator/operators)", file, node.line));
      continue;
    }
    try {
      const command = nodeCommand(node, baseDir, file);
      commands.set(node.id, command);
      if (command.script) errors.push(...scriptErrors(command.script, node.path!, parsed, index));
    } catch (error) {
      errors.push(error as Error);
    }
    warnings.push(...ignoredKeyWarnings(parsed, index));
  }
  if (errors.length > 0) throw new PreflightError(errors.sort((a, b) => position(a) - position(b)));
  return { descriptor: parsed.descriptor, graph, baseDir, commands, transports: loaded.transports, warnings };
}

/** A node script's module-format and unresolved-import problems, located at its `path`. */
function scriptErrors(script: string, program: string, parsed: ParsedDescriptor, index: number): Error[] {
  let source: string;
  try {
    source = readFileSync(script, "utf8");
  } catch {
    return []; // Unreadable: Node reports it when the node starts, as for any file it cannot open.
  }
  const at = parsed.locate(["nodes", index, "path"]);
  const errors: Error[] = [];
  const problem = moduleTypeProblem(script, source);
  if (problem) errors.push(new NodeModuleTypeError(program, problem, at));
  for (const name of unresolvedPackages(script, source)) errors.push(new UnresolvedImportError(program, name, at));
  return errors;
}

/** Warnings for the keys of node `index` that are accepted but not acted on yet, each at its key. */
function ignoredKeyWarnings(parsed: ParsedDescriptor, index: number): { message: string; nodeId: string }[] {
  const node = parsed.descriptor.nodes[index]!;
  const found: { path: (string | number)[]; key: string; what: string }[] = [];
  const at: (string | number)[] = ["nodes", index];
  if (node.restartPolicy !== "never") found.push({ path: at, key: "restart_policy", what: `restart_policy '${node.restartPolicy}' (the node will not be restarted)` });
  if (node.sendStdoutAs) found.push({ path: at, key: "send_stdout_as", what: "send_stdout_as" });
  if (node.deploy?.machine) found.push({ path: [...at, "deploy"], key: "machine", what: "deploy.machine (everything runs on this machine)" });
  for (const input of node.inputs) {
    if (input.inputTimeoutSecs !== undefined) found.push({ path: [...at, "inputs", input.id], key: "input_timeout", what: "input_timeout" });
  }
  return found.map(({ path, key, what }) => {
    const where = parsed.locate(path, key);
    return { message: `${where.file}:${where.line}:${where.column}: ${where.yamlPath} (node '${node.id}'): ${what} is not implemented yet and is ignored`, nodeId: node.id };
  });
}

/** Errors in file order (those without a line first), as the descriptor reports its own. */
function position(error: Error): number {
  const { line, column } = error as { line?: number; column?: number };
  return (line ?? 0) * 100_000 + (column ?? 0);
}
