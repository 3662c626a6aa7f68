import { RivuletError } from "@rivulet/core";

/**
 * One error class per descriptor rule. Every error carries where it is (`file`, `line`,
 * `column` — 1-based — and the YAML path such as `nodes[1].inputs.tick`) and, when it is
 * inside a node, the node's id, and inside one of its operators, the operator's id. Tests and
 * tools match on `name` and these fields.
 */
export interface DescriptorErrorInit {
  file: string;
  line: number;
  column: number;
  yamlPath: string;
  nodeId?: string;
  /** The operator's id (`op` for the `operator:` shorthand) when the error is inside one. */
  operatorId?: string;
}

/** The location fields are declared once, by DescriptorErrorInit, and set from it. */
export interface DescriptorError extends Readonly<DescriptorErrorInit> {}

export class DescriptorError extends RivuletError {
  constructor(
    readonly detail: string,
    init: DescriptorErrorInit,
    options?: { cause?: unknown },
  ) {
    const where = `${init.file}:${init.line}:${init.column}`;
    const operator = init.operatorId ? `, operator '${init.operatorId}'` : "";
    const node = init.nodeId ? ` (node '${init.nodeId}'${operator})` : "";
    super(`${where}: ${init.yamlPath || "<root>"}${node}: ${detail}`, options);
    const { file, line, column, yamlPath, nodeId, operatorId } = init;
    Object.assign(this, { file, line, column, yamlPath, nodeId, operatorId });
  }
}

/** The text is not valid YAML. */
export class YamlSyntaxError extends DescriptorError {}
/** A key the schema does not know (with a did-you-mean in the message). */
export class UnknownKeyError extends DescriptorError {
  constructor(
    readonly key: string,
    readonly suggestion: string | undefined,
    init: DescriptorErrorInit,
  ) {
    super(`unknown key '${key}'${suggestion ? `; did you mean '${suggestion}'?` : ""}`, init);
  }
}
/** A value of the wrong type or out of range. */
export class InvalidValueError extends DescriptorError {}
/** A required key is missing. */
export class MissingKeyError extends DescriptorError {}
/** An id (node, input, output, operator) with characters outside [A-Za-z0-9_.-]. */
export class InvalidIdError extends DescriptorError {}
/** Two nodes (or two operators of one node) share an id. */
export class DuplicateIdError extends DescriptorError {}
/** An input names a node that does not exist. */
export class UnknownSourceNodeError extends DescriptorError {}
/** An input names an output its node does not declare. */
export class UnknownSourceOutputError extends DescriptorError {}
/** A malformed `dora/timer/...` spec or input source. */
export class InvalidSourceError extends DescriptorError {}
/** A node gives none, or more than one, of path, operator, operators, custom. */
export class NodeKindError extends DescriptorError {}

/** `path: rivulet/<name>` naming no built-in node. */
export class UnknownBuiltinNodeError extends DescriptorError {}
/** A transport name that is neither a built-in kind, a name under `transports`, nor a module path. */
export class UnknownTransportNameError extends DescriptorError {}
/**
 * An operator of a kind dora has and Rivulet does not run (`python`, `shared-library`), refused
 * by name at its key, with what to do instead.
 */
export class UnsupportedOperatorError extends DescriptorError {
  constructor(
    readonly kind: string,
    instead: string,
    init: DescriptorErrorInit,
  ) {
    super(`${kind} operators are not supported by Rivulet: write the operator in TypeScript or JavaScript, or ${instead}`, init);
  }
}
/** `inputs` or `outputs` on a node with an `operators:` list, where each operator declares its own. */
export class OperatorPortsError extends DescriptorError {}

/** Every error of one descriptor, reported together. */
export class DescriptorValidationError extends RivuletError {
  constructor(
    readonly file: string,
    readonly errors: readonly DescriptorError[],
  ) {
    super(`${file}: ${errors.length} error${errors.length === 1 ? "" : "s"}\n${errors.map((e) => `  ${e.message}`).join("\n")}`);
  }
}

/** A deprecated key was used; the descriptor still loads. */
export interface DescriptorWarning {
  name: "DeprecatedKeyWarning";
  message: string;
  file: string;
  line: number;
  column: number;
  yamlPath: string;
  nodeId?: string;
}
