import { readFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import type { DaemonToNode } from "@rivulet/core/internal";
import type { DescriptorError } from "@rivulet/descriptor";
import { FileWatcher } from "./file-watcher.js";
import { staticImports } from "./node-imports.js";
import { nodeSourceErrors, resolveRelative } from "./node-sources.js";
import type { Preflight } from "./preflight.js";
import type { RunEvent } from "./run-events.js";

/** What a watched file belongs to: an operator of a runtime node, or a node's program. */
interface WatchTarget {
  nodeId: string;
  /** Set for an operator's module (or a file it imports); unset for a node's program. */
  operatorId?: string;
  /** The operator is the node's `operator:` shorthand, whose id is internal and never shown. */
  shorthand?: boolean;
  /** The operator's module, or the node's program (absolute). */
  entry: string;
  /** The module as written in the YAML. */
  written: string;
}

/** The most local files followed from one entry: a guard against generated trees. */
const MAX_WATCHED_PER_ENTRY = 200;

/** What a `DataflowWatch` does with what it finds. */
export interface DataflowWatchComponents {
  /** Sends a control message to a registered node. */
  send(nodeId: string, message: DaemonToNode): void;
  emit(event: RunEvent): void;
}

/**
 * `rivulet run --watch`: watches every operator's module and the relative files it imports, and
 * every process node's program (and its relative imports), from the start until `close()`.
 *
 * - An operator's file changed: the module is checked as `rivulet check` would (syntax, module
 *   format, imports). When it passes, its runtime node gets `reload_operator` (it reloads the
 *   operator, carrying its state, and logs the outcome) and a `watch` event `reload` is emitted;
 *   when it does not, the runtime is left alone (the old code keeps running) and a `watch` event
 *   `refused` carries the located error.
 * - A node's program changed: a `watch` event `node-changed`, nothing else. Restarting a node
 *   needs the daemon to restart nodes, with consumers resubscribing (issue 13); until then the
 *   node runs the code it started with.
 */
export class DataflowWatch {
  readonly #targets = new Map<string, WatchTarget[]>();
  readonly #watcher: FileWatcher;
  readonly #done: Promise<void>;

  constructor(
    checked: Preflight,
    private readonly components: DataflowWatchComponents,
  ) {
    for (const node of checked.graph.nodes) {
      for (const op of node.operators) {
        const entry = resolve(checked.baseDir, op.path);
        this.#add(entry, { nodeId: node.id, operatorId: op.id, shorthand: op.portPrefix === "", entry, written: op.path });
      }
      const script = checked.commands.get(node.id)?.script;
      if (node.kind === "process" && script) this.#add(script, { nodeId: node.id, entry: script, written: node.path ?? script });
    }
    this.#watcher = new FileWatcher({ files: this.#targets.keys() });
    this.#done = this.#serve();
  }

  /** The files watched (absolute). */
  get files(): string[] {
    return [...this.#targets.keys()];
  }

  /** Stops watching; resolves once the change being handled (if any) is done. */
  async close(): Promise<void> {
    this.#watcher.close();
    await this.#done;
  }

  /** Watches `entry` and the local files it imports for `target`. */
  #add(entry: string, target: WatchTarget): void {
    for (const file of localModules(entry)) this.#targets.set(file, [...(this.#targets.get(file) ?? []), target]);
  }

  async #serve(): Promise<void> {
    try {
      for await (const file of this.#watcher) {
        for (const target of this.#targets.get(file) ?? []) await this.#changed(target, file);
      }
    } catch (error) {
      // The watch broke (a watched folder was removed): the run goes on without it.
      this.components.emit({ type: "warning", message: `--watch stopped: ${(error as Error).message}` });
    }
  }

  async #changed(target: WatchTarget, file: string): Promise<void> {
    const { nodeId, operatorId, shorthand, entry } = target;
    if (operatorId === undefined) return this.components.emit({ type: "watch", action: "node-changed", nodeId, file });
    const at = { file: entry, line: 1, column: 1, yamlPath: "", nodeId, operatorId };
    const [problem] = (await nodeSourceErrors(entry, target.written, at)) as DescriptorError[];
    if (problem) {
      const located = `${problem.file}:${problem.line}:${problem.column}: ${problem.detail}`;
      return this.components.emit({ type: "watch", action: "refused", nodeId, operatorId, shorthand, file, error: Object.assign(problem, { message: located }) });
    }
    this.components.send(nodeId, { t: "reload_operator", operator: operatorId });
    this.components.emit({ type: "watch", action: "reload", nodeId, operatorId, shorthand, file });
  }
}

/** `entry` and the files it imports by relative path, transitively (as tsx or Node would find them). */
function localModules(entry: string): string[] {
  const viaTsx = [".ts", ".mts", ".cts", ".tsx"].includes(extname(entry));
  const found = new Set([entry]);
  for (const file of found) {
    if (found.size >= MAX_WATCHED_PER_ENTRY) break;
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch {
      continue; // Unreadable: the preflight reported it, or it is not code.
    }
    for (const specifier of staticImports(source)) {
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) continue;
      const target = resolveRelative(dirname(file), specifier, viaTsx);
      if (target && !target.includes("/node_modules/") && extname(target) !== ".json") found.add(target);
    }
  }
  return [...found];
}
