import { type Document, type LineCounter, isMap, isNode, isPair, isScalar, isSeq } from "yaml";
import type { DescriptorErrorInit } from "./descriptor-errors.js";

export type YamlPath = readonly PropertyKey[];

/**
 * Finds where a YAML path stands in the source, to give errors a file:line:column and the node
 * id they concern. When the exact path does not exist (a missing key), the nearest existing
 * parent is used.
 */
export class YamlLocator {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Where the value at `path` is; with `key`, where that key of the map at `path` is. */
  at(path: YamlPath, key?: string): DescriptorErrorInit {
    let offset = 0;
    let node: unknown = this.doc.contents;
    if (isNode(node) && node.range) offset = node.range[0];
    for (const segment of path) {
      const next = child(node, segment);
      if (next === undefined) break;
      node = next.value;
      offset = next.offset;
    }
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
      if (pair && isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
    }
    const { line, col } = this.lines.linePos(offset);
    const fullPath = key === undefined ? path : [...path, key];
    const operatorId = this.operatorIdAt(path);
    return { file: this.file, line, column: col, yamlPath: formatPath(fullPath), nodeId: this.nodeIdAt(path), ...(operatorId === undefined ? {} : { operatorId }) };
  }

  /** The id of the node that `path` is inside, when it is inside `nodes[i]`. */
  nodeIdAt(path: YamlPath): string | undefined {
    if (path[0] !== "nodes" || typeof path[1] !== "number") return undefined;
    const id = this.doc.getIn(["nodes", path[1], "id"]);
    return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
  }

  /** The id of the operator that `path` is inside: `nodes[i].operators[j]` (its `id`), or `nodes[i].operator` (`op`). */
  operatorIdAt(path: YamlPath): string | undefined {
    if (path[0] !== "nodes" || typeof path[1] !== "number") return undefined;
    if (path[2] === "operator") return "op";
    if (path[2] !== "operators" || typeof path[3] !== "number") return undefined;
    const id = this.doc.getIn(["nodes", path[1], "operators", path[3], "id"]);
    return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
  }
}

function child(node: unknown, segment: PropertyKey): { value: unknown; offset: number } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
    if (!pair) return undefined;
    const target = isNode(pair.value) ? pair.value : pair.key;
    const offset = isNode(target) && target.range ? target.range[0] : 0;
    return { value: pair.value, offset };
  }
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment];
    if (!isNode(item) || !item.range) return undefined;
    return { value: item, offset: item.range[0] };
  }
  return undefined;
}

/** `["nodes", 1, "inputs", "tick"]` -> `nodes[1].inputs.tick`. */
export function formatPath(path: YamlPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? String(segment) : `.${String(segment)}`;
  }
  return text;
}
