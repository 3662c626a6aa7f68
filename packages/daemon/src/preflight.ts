import { dirname, resolve } from "node:path";
import { RivuletError, type TransportPlugins } from "@rivulet/core";
import { type Descriptor, type DescriptorErrorInit, type DescriptorWarning, type NodeDescriptor, type ParsedDescriptor, type ResolvedGraph, loadDescriptor, resolveGraph } from "@rivulet/descriptor";
import type { BuildStep } from "./build-step.js";
import { NodeProgramError } from "./daemon-errors.js";
import { builtinConfigErrors } from "./builtin-nodes.js";
import { type NodeCommand, nodeCommand } from "./node-command.js";
import { nodeSourceErrors } from "./node-sources.js";
import { operatorModuleErrors } from "./operator-modules.js";
import { type LoadedTransports, loadTransports, namedTransports, queuePolicyErrors } from "./transport-checks.js";

/** Everything checked before a single process starts. */
export interface Preflight {
  descriptor: Descriptor;
  graph: ResolvedGraph;
  baseDir: string;
  commands: Map<string, NodeCommand>;
  /** The plugin (and module) of every transport the YAML names, by that name; what planning uses. */
  transports: LoadedTransports;
  /** Where a transport is first named in the YAML (for errors of planning); undefined for a name it does not use. */
  locateTransport: (transport: string) => DescriptorErrorInit | undefined;
  /** Deprecated keys, accepted keys this version does not act on yet, programs a build will create; located. */
  warnings: { message: string; nodeId?: string }[];
}

/** What `preflight` is given besides the file. */
export interface PreflightOptions {
  /** Transport plugins by kind, used instead of importing a module for that kind. */
  transports?: TransportPlugins;
  /**
   * Runs the nodes' `build` commands (`rivulet run`). Called once everything that does not
   * depend on a build checked out; the programs of nodes that have a `build` are checked after
   * it returns, since a build usually creates what `path` names. Without it (`rivulet check`)
   * nothing is built, and a missing program of a node with a `build` is a warning, not an error.
   * Whatever it throws (`BuildError`) is passed on.
   */
  build?: (steps: BuildStep[], baseDir: string) => Promise<void>;
}

/** One or more problems stop the dataflow before anything starts; all are listed in `errors`. */
export class PreflightError extends RivuletError {
  constructor(readonly errors: readonly Error[]) {
    super(errors.map((e) => e.message).join("\n"));
  }
}

/** Where one node stands in the file, for its errors. */
type NodeAt = DescriptorErrorInit & { nodeId: string };

/**
 * Loads and validates the dataflow, then checks what only the file system can tell: every
 * transport's plugin loads and accepts its options, every node's program and every operator's
 * module exists, parses, can load as written (module format) and finds what it imports. The one check behind both
 * `rivulet check` and `rivulet run`; everything is reported together, before anything is spawned
 * (with `options.build`, before anything is built, then again for the programs builds create).
 * @throws DescriptorValidationError for descriptor errors; PreflightError for the rest; what
 *   `options.build` throws.
 */
export async function preflight(file: string, options: PreflightOptions = {}): Promise<Preflight> {
  const parsed = await loadDescriptor(file);
  const baseDir = dirname(resolve(file));
  const graph = resolveGraph(parsed.descriptor);
  const warnings = parsed.warnings.map((w: DescriptorWarning) => ({ message: `${w.file}:${w.line}:${w.column}: ${w.message}`, nodeId: w.nodeId }));
  const loaded = await loadTransports(parsed, options.transports ?? {}, baseDir);
  const errors: Error[] = [...loaded.errors, ...queuePolicyErrors(graph, loaded.transports, parsed.locate)];
  const commands = new Map<string, NodeCommand>();
  const steps: BuildStep[] = [];
  const afterBuild: NodeDescriptor[] = [];
  for (const node of graph.nodes) {
    const index = parsed.descriptor.nodes.indexOf(node);
    warnings.push(...ignoredKeyWarnings(parsed, index));
    if (node.kind === "runtime") {
      const moduleErrors = await operatorModuleErrors(node, parsed, baseDir);
      errors.push(...moduleErrors);
      // Its command runs the runtime, which loads the modules: only worth making when they load.
      const key = rawKeys(parsed, index).includes("operators") ? "operators" : "operator";
      try {
        if (moduleErrors.length === 0) commands.set(node.id, nodeCommand(node, baseDir, { ...parsed.locate(["nodes", index], key), nodeId: node.id }));
      } catch (error) {
        errors.push(error as Error); // NodeProgramError: the runtime's program itself cannot run.
      }
      continue;
    }
    if (node.kind === "builtin") {
      errors.push(...builtinConfigErrors(node, parsed));
      commands.set(node.id, nodeCommand(node, baseDir, { ...parsed.locate(["nodes", index], "path"), nodeId: node.id }));
      continue;
    }
    if (node.build) {
      const where = rawKeys(parsed, index).includes("build") ? parsed.locate(["nodes", index], "build") : parsed.locate(["nodes", index, "custom"], "build");
      steps.push({ node, at: { ...where, nodeId: node.id } });
    }
    if (node.build && options.build) {
      afterBuild.push(node);
      continue;
    }
    try {
      errors.push(...(await programErrors(node, parsed, baseDir, commands)));
    } catch (error) {
      if (!(node.build && error instanceof NodeProgramError && error.reason === "missing")) {
        errors.push(error as Error);
        continue;
      }
      warnings.push({ message: `${error.file}:${error.line}:${error.column}: ${error.yamlPath} (node '${node.id}'): program '${error.program}' does not exist yet; its build ('${node.build}') is expected to create it (rivulet run builds before it checks it)`, nodeId: node.id });
    }
  }
  if (errors.length > 0) throw new PreflightError(errors.sort((a, b) => position(a) - position(b)));
  if (options.build && steps.length > 0) {
    await options.build(steps, baseDir);
    for (const node of afterBuild) {
      try {
        errors.push(...(await programErrors(node, parsed, baseDir, commands)));
      } catch (error) {
        errors.push(error as Error);
      }
    }
    if (errors.length > 0) throw new PreflightError(errors.sort((a, b) => position(a) - position(b)));
  }
  const sites = namedTransports(parsed.descriptor);
  const locateTransport = (name: string): DescriptorErrorInit | undefined => {
    const site = sites.get(name)?.[0];
    return site && parsed.locate(site);
  };
  return { descriptor: parsed.descriptor, graph, baseDir, commands, transports: loaded.transports, locateTransport, warnings };
}

/**
 * The problems of a node's program that do not stop the others being checked (syntax, module
 * format, imports); records its command.
 * @throws NodeProgramError when the program itself is missing or cannot run.
 */
async function programErrors(node: NodeDescriptor, parsed: ParsedDescriptor, baseDir: string, commands: Map<string, NodeCommand>): Promise<Error[]> {
  const index = parsed.descriptor.nodes.indexOf(node);
  const at: NodeAt = { ...parsed.locate(rawKeys(parsed, index).includes("path") ? ["nodes", index, "path"] : ["nodes", index, "custom", "source"]), nodeId: node.id };
  const command = nodeCommand(node, baseDir, at);
  commands.set(node.id, command);
  return command.script ? nodeSourceErrors(command.script, node.path!, at) : [];
}

/** The keys node `index` has in the YAML as written (`deploy` or `_unstable_deploy`, ...). */
function rawKeys(parsed: ParsedDescriptor, index: number): string[] {
  const raw = (parsed.descriptor.raw as { nodes?: unknown[] } | undefined)?.nodes?.[index];
  return typeof raw === "object" && raw !== null ? Object.keys(raw) : [];
}

/** Warnings for the keys of node `index` that are accepted but not acted on yet, each at its key. */
function ignoredKeyWarnings(parsed: ParsedDescriptor, index: number): { message: string; nodeId: string }[] {
  const node = parsed.descriptor.nodes[index]!;
  const found: { path: (string | number)[]; key: string; what: string }[] = [];
  const at: (string | number)[] = ["nodes", index];
  if (node.restartPolicy !== "never") found.push({ path: at, key: "restart_policy", what: `restart_policy '${node.restartPolicy}' (the node will not be restarted)` });
  if (node.sendStdoutAs) found.push({ path: at, key: "send_stdout_as", what: "send_stdout_as" });
  if (node.deploy?.machine) {
    const deployKey = rawKeys(parsed, index).includes("deploy") ? "deploy" : "_unstable_deploy";
    found.push({ path: [...at, deployKey], key: "machine", what: `${deployKey}.machine (everything runs on this machine)` });
  }
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
