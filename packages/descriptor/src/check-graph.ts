import { isTransportModulePath } from "@rivulet/core/internal";
import {
  type DescriptorError,
  type DescriptorWarning,
  DuplicateIdError,
  InvalidSourceError,
  NodeKindError,
  OperatorPortsError,
  UnknownBuiltinNodeError,
  UnknownSourceNodeError,
  UnknownSourceOutputError,
  UnknownTransportNameError,
  UnsupportedOperatorError,
} from "./descriptor-errors.js";
import { didYouMean } from "@rivulet/core";
import { DEPRECATED_KEYS, REFUSED_OPERATOR_KEYS, TRANSPORT_KINDS } from "./schema.js";
import { isTimerSource, parseTimer } from "./timer-spec.js";
import { BUILTIN_NODES, builtinName, isBuiltinPath } from "./builtin-nodes.js";
import type { YamlLocator, YamlPath } from "./yaml-locator.js";

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const NODE_KINDS = ["path", "operator", "operators", "custom"] as const;

/** The outputs a raw node declares, as consumers name them (`out` or `operator/out`). */
export function declaredOutputs(node: Rec): string[] {
  const outputs: string[] = [];
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  outputs.push(...list(node.outputs));
  if (isRec(node.custom)) outputs.push(...list(node.custom.outputs));
  if (isRec(node.operator)) outputs.push(...list(node.operator.outputs));
  if (Array.isArray(node.operators)) {
    for (const op of node.operators) if (isRec(op)) outputs.push(...list(op.outputs).map((o) => `${String(op.id)}/${o}`));
  }
  if (typeof node.path === "string" && isTimerSource(node.path) && outputs.length === 0) outputs.push("tick");
  return outputs;
}

/**
 * The rules the schema cannot express: one kind per node, unique ids, inputs naming existing
 * nodes and outputs, well-formed timers, known transports. Defensive: runs on raw data even
 * when the schema found errors, so that all errors are reported together.
 */
export function checkGraph(raw: unknown, locator: YamlLocator): { errors: DescriptorError[]; warnings: DescriptorWarning[] } {
  const errors: DescriptorError[] = [];
  const warnings: DescriptorWarning[] = [];
  if (!isRec(raw)) return { errors, warnings };
  const warn = (path: YamlPath, key: string): void => {
    warnings.push({ name: "DeprecatedKeyWarning", message: `'${key}' is deprecated (dora 0.x); use ${DEPRECATED_KEYS[key]}`, ...locator.at(path, key) });
  };
  for (const key of Object.keys(DEPRECATED_KEYS)) if (key in raw) warn([], key);

  const transports = isRec(raw.transports) ? raw.transports : {};
  const checkTransport = (name: unknown, path: YamlPath): void => {
    if (typeof name !== "string" || name in transports || (TRANSPORT_KINDS as readonly string[]).includes(name) || isTransportModulePath(name)) return;
    const suggestion = didYouMean(name, [...TRANSPORT_KINDS, ...Object.keys(transports)]);
    errors.push(
      new UnknownTransportNameError(
        `unknown transport '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ""} (use a built-in kind — ${TRANSPORT_KINDS.join(", ")} — a name under 'transports', or a module path)`,
        locator.at(path),
      ),
    );
  };
  checkTransport(raw.transport, ["transport"]);
  for (const [name, config] of Object.entries(transports)) {
    if (isRec(config) && typeof config.kind === "string" && !(TRANSPORT_KINDS as readonly string[]).includes(config.kind) && !isTransportModulePath(config.kind)) {
      checkTransport(config.kind, ["transports", name, "kind"]);
    }
  }

  const nodes = Array.isArray(raw.nodes) ? raw.nodes : [];
  const byId = new Map<string, Rec>();
  nodes.forEach((node, i) => {
    if (!isRec(node) || typeof node.id !== "string") return;
    if (byId.has(node.id)) errors.push(new DuplicateIdError(`node id '${node.id}' is used by more than one node`, locator.at(["nodes", i, "id"])));
    else byId.set(node.id, node);
  });

  nodes.forEach((node, i) => {
    if (!isRec(node)) return;
    const at = (...rest: PropertyKey[]): YamlPath => ["nodes", i, ...rest];
    for (const key of ["custom", "_unstable_deploy"]) if (key in node) warn(at(), key);
    const kinds = NODE_KINDS.filter((k) => node[k] !== undefined);
    if (kinds.length !== 1) {
      const detail = kinds.length === 0 ? "has none" : `has ${kinds.join(" and ")}`;
      errors.push(new NodeKindError(`a node needs exactly one of path, operator, operators or custom; it ${detail}`, locator.at(at())));
    }
    if (typeof node.path === "string" && isTimerSource(node.path)) {
      const timer = parseTimer(node.path);
      if (typeof timer === "string") errors.push(new InvalidSourceError(timer, locator.at(at("path"))));
    }
    if (typeof node.path === "string" && isBuiltinPath(node.path) && !builtinName(node.path)) {
      const name = node.path.slice("rivulet/".length);
      const suggestion = didYouMean(name, BUILTIN_NODES);
      errors.push(new UnknownBuiltinNodeError(`'${node.path}' is not a built-in node${suggestion ? `; did you mean 'rivulet/${suggestion}'?` : ""} (built-in nodes: ${BUILTIN_NODES.map((n) => `rivulet/${n}`).join(", ")}; a file of yours under a folder named rivulet is written ./rivulet/...)`, locator.at(at("path"))));
    }
    checkTransport(node.transport, at("transport"));
    checkUnique(node.outputs, at("outputs"), "output", errors, locator);
    if (Array.isArray(node.operators)) {
      const seen = new Set<string>();
      node.operators.forEach((op, j) => {
        if (!isRec(op)) return;
        if (typeof op.id !== "string") errors.push(new NodeKindError("each entry of 'operators' needs an 'id'", locator.at(at("operators", j))));
        else if (seen.has(op.id)) errors.push(new DuplicateIdError(`operator id '${op.id}' is used twice in this node`, locator.at(at("operators", j, "id"))));
        else seen.add(op.id);
      });
    }
    const operatorList = Array.isArray(node.operators) ? node.operators.map((op, j) => [op, at("operators", j)] as const) : [];
    const single = isRec(node.operator) ? [[node.operator, at("operator")] as const] : [];
    if (Array.isArray(node.operators)) {
      // Each operator of a list declares its own; the node's would belong to none of them.
      for (const key of ["inputs", "outputs"]) {
        if (node[key] !== undefined) errors.push(new OperatorPortsError(`'${key}' of a node with an 'operators' list belong to its operators: declare them on each operator (consumers name them node/operator/output)`, locator.at(at(), key)));
      }
    }
    for (const [op, path] of [...single, ...operatorList]) {
      if (!isRec(op)) continue;
      const refused = Object.keys(REFUSED_OPERATOR_KEYS).filter((k) => k in op);
      for (const key of refused) errors.push(new UnsupportedOperatorError(key, REFUSED_OPERATOR_KEYS[key]!, locator.at(path, key)));
      const langs = ["typescript", "javascript"].filter((k) => op[k] !== undefined);
      // A python or shared-library operator is already refused by name: no second error for it.
      if (langs.length !== 1 && !(langs.length === 0 && refused.length > 0)) errors.push(new NodeKindError("an operator needs exactly one of 'typescript' or 'javascript'", locator.at(path)));
      checkInputs(op.inputs, [...path, "inputs"]);
    }
    checkInputs(node.inputs, at("inputs"));
    if (isRec(node.custom)) checkInputs(node.custom.inputs, at("custom", "inputs"));
  });

  function checkInputs(inputs: unknown, path: YamlPath): void {
    if (!isRec(inputs)) return;
    for (const [inputId, input] of Object.entries(inputs)) {
      const source = typeof input === "string" ? input : isRec(input) ? input.source : undefined;
      const sourcePath = typeof input === "string" ? [...path, inputId] : [...path, inputId, "source"];
      if (isRec(input)) checkTransport(input.transport, [...path, inputId, "transport"]);
      if (typeof source !== "string") continue;
      checkSource(source, sourcePath);
    }
  }

  function checkSource(source: string, path: YamlPath): void {
    if (isTimerSource(source)) {
      const timer = parseTimer(source);
      if (typeof timer === "string") errors.push(new InvalidSourceError(timer, locator.at(path)));
      return;
    }
    const parts = source.split("/");
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) {
      errors.push(new InvalidSourceError(`source '${source}' must be 'node/output', 'node/operator/output' or 'dora/timer/<unit>/<n>'`, locator.at(path)));
      return;
    }
    const [nodeId, ...rest] = parts as [string, ...string[]];
    const producer = byId.get(nodeId);
    if (!producer) {
      const suggestion = didYouMean(nodeId, byId.keys());
      errors.push(new UnknownSourceNodeError(`source '${source}' names node '${nodeId}', which does not exist${suggestion ? `; did you mean '${suggestion}'?` : ""}`, locator.at(path)));
      return;
    }
    const output = rest.join("/");
    const outputs = declaredOutputs(producer);
    if (!outputs.includes(output)) {
      const suggestion = didYouMean(output, outputs);
      const declared = outputs.length > 0 ? outputs.join(", ") : "none";
      errors.push(
        new UnknownSourceOutputError(
          `source '${source}': node '${nodeId}' has no output '${output}' (declared: ${declared})${suggestion ? `; did you mean '${suggestion}'?` : ""}`,
          locator.at(path),
        ),
      );
    }
  }

  return { errors, warnings };
}

function checkUnique(list: unknown, path: YamlPath, what: string, errors: DescriptorError[], locator: YamlLocator): void {
  if (!Array.isArray(list)) return;
  const seen = new Set<unknown>();
  list.forEach((item, i) => {
    if (seen.has(item)) errors.push(new DuplicateIdError(`${what} '${String(item)}' is listed twice`, locator.at([...path, i])));
    seen.add(item);
  });
}
