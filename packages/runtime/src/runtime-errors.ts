import { RivuletError } from "@rivulet/core";
import type { OperatorConfig } from "@rivulet/core/internal";
import { type OperatorSite, operatorLabel } from "@rivulet/node";

/** When an operator failed: loading its module, in its constructor, or in `onEvent`. */
export type OperatorPhase = "load" | "constructor" | "onEvent";

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
    const what = phase === "load" ? "could not be loaded" : phase === "constructor" ? "threw in its constructor" : "failed in onEvent";
    super(`${operatorLabel(at)} ${what} (${where}): ${describe(cause)}`, { cause });
    this.nodeId = at.nodeId;
    this.operatorId = at.operatorId;
    this.file = at.file;
    this.phase = phase;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/** `name: message` of what was thrown (anything may be thrown in JavaScript). */
function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.name && cause.name !== "Error" ? `${cause.name}: ${cause.message}` : cause.message;
  return String(cause);
}

/** The first line:column of `file` in the stack of `cause` (as a path or a file URL). */
export function positionIn(file: string, cause: unknown): { line: number; column: number } | undefined {
  const stack = (cause as { stack?: unknown } | undefined)?.stack;
  if (typeof stack !== "string") return undefined;
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`(?:file://)?${escaped}:(\\d+):(\\d+)`).exec(stack.replace(/file:\/\//g, "").replace(/%20/g, " "));
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}
