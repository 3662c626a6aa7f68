import { dirname, resolve } from "node:path";
import { RivuletError } from "@rivulet/core";
import { type Descriptor, type DescriptorWarning, type ResolvedGraph, loadDescriptor, resolveGraph } from "@rivulet/descriptor";
import { UnsupportedFeatureError } from "./daemon-errors.js";
import { moduleTypeWarning } from "./module-type.js";
import { type NodeCommand, nodeCommand } from "./node-command.js";

/** Everything checked before a single process starts. */
export interface Preflight {
  descriptor: Descriptor;
  graph: ResolvedGraph;
  baseDir: string;
  commands: Map<string, NodeCommand>;
  /** Deprecated keys, and accepted keys this version does not act on yet. */
  warnings: { message: string; nodeId?: string }[];
}

/** One or more nodes cannot run (missing programs, unsupported features); all are listed. */
export class PreflightError extends RivuletError {
  constructor(readonly errors: readonly Error[]) {
    super(errors.map((e) => e.message).join("\n"));
  }
}

/**
 * Loads and validates the dataflow, then checks every node's program. Everything is reported
 * together, before anything is spawned.
 * @throws DescriptorValidationError for descriptor errors; PreflightError for node programs.
 */
export async function preflight(file: string): Promise<Preflight> {
  // Messages name the file as the user gave it; the folder is resolved for running nodes.
  const path = file;
  const { descriptor, warnings: deprecations } = await loadDescriptor(file);
  const baseDir = dirname(resolve(file));
  const graph = resolveGraph(descriptor);
  const warnings = deprecations.map((w: DescriptorWarning) => ({ message: `${w.file}:${w.line}:${w.column}: ${w.message}`, nodeId: w.nodeId }));
  const errors: Error[] = [];
  const commands = new Map<string, NodeCommand>();
  for (const node of graph.nodes) {
    const where = `${path}:${node.line}`;
    if (node.kind === "runtime") {
      errors.push(new UnsupportedFeatureError(node.id, "operators (operator/operators)", path, node.line));
      continue;
    }
    try {
      const command = nodeCommand(node, baseDir, path);
      commands.set(node.id, command);
      const program = command.command === process.execPath ? command.args.find((a) => !a.startsWith("-") && !a.startsWith("file:")) : undefined;
      const warning = program ? moduleTypeWarning(program) : undefined;
      if (warning) warnings.push({ message: `${where}: node '${node.id}': ${warning}`, nodeId: node.id });
    } catch (error) {
      errors.push(error as Error);
    }
    const ignored: string[] = [];
    if (node.restartPolicy !== "never") ignored.push(`restart_policy '${node.restartPolicy}' (the node will not be restarted)`);
    if (node.sendStdoutAs) ignored.push("send_stdout_as");
    if (node.deploy?.machine) ignored.push("deploy.machine (everything runs on this machine)");
    if (node.inputs.some((i) => i.inputTimeoutSecs !== undefined)) ignored.push("input_timeout");
    for (const what of ignored) warnings.push({ message: `${where}: ${what} is not implemented yet and is ignored`, nodeId: node.id });
  }
  if (errors.length > 0) throw new PreflightError(errors);
  return { descriptor, graph, baseDir, commands, warnings };
}
