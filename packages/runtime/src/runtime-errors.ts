import { RivuletError } from "@rivulet/core";
import type { OperatorConfig } from "@rivulet/core/internal";
import { type OperatorSite, operatorLabel } from "@rivulet/node";

/**
 * When an operator failed: loading its module, in its constructor, in `onEvent`, or while its
 * state was carried to a reloaded instance (`snapshot` on the old one, `restore` on the new).
 */
export type OperatorPhase = "load" | "constructor" | "onEvent" | "snapshot" | "restore";

const DOING: Record<OperatorPhase, string> = {
  load: "could not be loaded",
  constructor: "threw in its constructor",
  onEvent: "failed in onEvent",
  snapshot: "threw in snapshot()",
  restore: "threw in restore()",
};

/** Where a failed operator lives. */
export type FailedOperator = OperatorSite;

/** Where the operator of `config` lives, for messages. The `operator:` shorthand's ports are the node's own (`out`, not `op/out`): its id is internal and never shown. */
export function operatorSite(nodeId: string, config: OperatorConfig): OperatorSite {
  const shorthand = Object.entries({ ...config.inputs, ...config.outputs }).every(([own, onNode]) => own === onNode);
  return { nodeId, operatorId: config.id, file: config.module, label: shorthand ? `the operator of node '${nodeId}'` : undefined };
}

/**
 * An operator failed: its module could not be loaded (or does not default-export an operator
 * class), its constructor threw, or `onEvent` threw, rejected or returned something that is not
 * a Status. The runtime node then exits non-zero (a node failure). `line` and `column` point into
 * `file` when the stack of `cause` passes through it.
 */
export class OperatorFailedError extends RivuletError {
  readonly nodeId: string;
  readonly operatorId: string;
  readonly file: string;
  readonly phase: OperatorPhase;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(at: FailedOperator, phase: OperatorPhase, cause: unknown) {
    const position = positionIn(at.file, cause);
    const where = position ? `${at.file}:${position.line}:${position.column}` : at.file;
    super(`${operatorLabel(at)} ${DOING[phase]} (${where}): ${describe(cause)}`, { cause });
    this.nodeId = at.nodeId;
    this.operatorId = at.operatorId;
    this.file = at.file;
    this.phase = phase;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/**
 * A reload of an operator's code failed (`rivulet run --watch`): the new version could not be
 * loaded, does not default-export an operator class, or threw in its constructor, or the state
 * could not be carried (`snapshot`/`restore` threw). The old instance keeps running; the runtime
 * logs this at `error` level and the run goes on. `cause` is the OperatorFailedError or
 * OperatorExportError; `line` and `column` point into `file` when its stack (or the syntax error
 * of a TypeScript module) says where.
 */
export class OperatorReloadError extends RivuletError {
  readonly nodeId: string;
  readonly operatorId: string;
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(at: FailedOperator, cause: unknown) {
    const located = cause as { line?: unknown; column?: unknown };
    const position = typeof located?.line === "number" && typeof located.column === "number" ? { line: located.line, column: located.column } : positionIn(at.file, cause);
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`reload of ${operatorLabel(at)} failed, its old code keeps running: ${detail}`, { cause });
    this.nodeId = at.nodeId;
    this.operatorId = at.operatorId;
    this.file = at.file;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/** `name: message` of what was thrown (anything may be thrown in JavaScript). */
function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.name && cause.name !== "Error" ? `${cause.name}: ${cause.message}` : cause.message;
  return String(cause);
}

/**
 * The first line:column of `file` in the stack of `cause` (as a path or a file URL, also with a
 * query such as the `?tsx-namespace=` of a reloaded module).
 */
export function positionIn(file: string, cause: unknown): { line: number; column: number } | undefined {
  const stack = (cause as { stack?: unknown } | undefined)?.stack;
  if (typeof stack !== "string") return undefined;
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`(?:file://)?${escaped}(?:\\?[^\\s:)]*)?:(\\d+):(\\d+)`).exec(stack.replace(/file:\/\//g, "").replace(/%20/g, " "));
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}
