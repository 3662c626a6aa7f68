import { type NodeEvent, RivuletError, type SendableValue } from "@rivulet/core";
import type { SendMetadata, SendOutputOptions } from "./node-contract.js";

/**
 * What an operator's `onEvent` returns (dora's `DoraStatus`): `CONTINUE` to get the next event,
 * `STOP` to end this operator (its inputs are ignored from then on, and operators of the same
 * runtime fed by it see their inputs close), `STOP_ALL` to stop the whole dataflow as
 * `rivulet stop` does (every node and operator gets STOP; the run succeeds).
 */
export const Status = {
  CONTINUE: "CONTINUE",
  STOP: "STOP",
  STOP_ALL: "STOP_ALL",
} as const;
export type Status = (typeof Status)[keyof typeof Status];

/**
 * Sends `data` on one of the operator's own outputs (`"doubled"`, as listed under its
 * `outputs:`): the same values, metadata and options as `node.sendOutput`. Resolves once handed
 * over; waits only for a `backpressure` consumer that is behind.
 * @throws UndeclaredOutputError for an output the operator does not declare.
 */
export type SendOutput = (outputId: string, data: SendableValue, metadata?: SendMetadata, options?: SendOutputOptions) => Promise<void>;

/**
 * An operator: code hosted by a runtime node instead of running as its own process. Its module
 * default-exports a class implementing this interface; the runtime constructs it once (without
 * arguments) and calls `onEvent` for every event, one at a time (never again before the
 * previous call, or the promise it returned, settled).
 *
 * ```ts
 * import { Status, type Operator, type NodeEvent, type SendOutput } from "@rivulet/node";
 * export default class Doubler implements Operator {
 *   async onEvent(event: NodeEvent, sendOutput: SendOutput): Promise<Status> {
 *     if (event.type === "INPUT") await sendOutput("doubled", event.value.toArray().map((x: number) => x * 2), event.metadata);
 *     return Status.CONTINUE;
 *   }
 * }
 * ```
 *
 * Events carry the operator's own input ids (`"tick"`, never `"doubler/tick"`). The last event
 * is STOP: when the dataflow stops, or when every input of the operator has closed (reason
 * `all-inputs-closed`); what `onEvent` returns for it is ignored. A returned `undefined` counts
 * as `CONTINUE`; any other value, or a throw, is a failure of the runtime node.
 */
export interface Operator {
  onEvent(event: NodeEvent, sendOutput: SendOutput): Status | Promise<Status>;
  /**
   * The state to carry over when the operator's code is reloaded (`rivulet run --watch`):
   * called on the old instance, between two events, once the new one is constructed. Used only
   * when the new instance has `restore`; otherwise the old instance's own enumerable fields
   * are copied onto the new one (`#private` fields are not). A throw keeps the old instance.
   */
  snapshot?(): unknown;
  /**
   * Takes what the old instance's `snapshot()` returned (the same value: nothing is cloned),
   * right after this instance was constructed and before its first event, which is RELOAD.
   * A throw keeps the old instance.
   */
  restore?(state: unknown): void;
}

/** What an operator module default-exports: a class constructed without arguments. */
export type OperatorClass = new () => Operator;

/** Where an operator module is used, for the errors. */
export interface OperatorSite {
  /** The runtime node hosting it. */
  nodeId: string;
  operatorId: string;
  /** The module file. */
  file: string;
  /** How messages name it, when not `operator '<id>' of node '<node>'`: the `operator:` shorthand's id is internal. */
  label?: string;
}

/** How messages name the operator at `site`. */
export function operatorLabel(site: OperatorSite): string {
  return site.label ?? `operator '${site.operatorId}' of node '${site.nodeId}'`;
}

/** An operator module whose default export is not a class (a missing default export, a function's result, an object). */
export class OperatorExportError extends RivuletError {
  readonly nodeId: string;
  readonly operatorId: string;
  readonly file: string;

  constructor(site: OperatorSite, found: string) {
    super(`${operatorLabel(site)}: ${site.file} must default-export a class with onEvent(event, sendOutput) (export default class ... { onEvent(...) { ... } }); its default export is ${found}`);
    this.nodeId = site.nodeId;
    this.operatorId = site.operatorId;
    this.file = site.file;
  }
}

/**
 * The operator class a module namespace default-exports (also through the `{ default: class }`
 * wrapper a CommonJS-compiled module gets).
 * @throws OperatorExportError when it is not a class whose prototype has `onEvent`.
 */
export function operatorClassOf(namespace: Record<string, unknown>, site: OperatorSite): OperatorClass {
  let exported = namespace.default;
  if (typeof exported === "object" && exported !== null && typeof (exported as { default?: unknown }).default === "function") exported = (exported as { default: unknown }).default;
  if (typeof exported !== "function") throw new OperatorExportError(site, exported === undefined ? "missing" : `a ${exported === null ? "null" : typeof exported}`);
  if (!/^class[\s{]/.test(Function.prototype.toString.call(exported))) throw new OperatorExportError(site, `a function, not a class (${exported.name || "anonymous"})`);
  if (typeof (exported.prototype as { onEvent?: unknown }).onEvent !== "function") throw new OperatorExportError(site, `class ${exported.name || "(anonymous)"}, which has no onEvent method`);
  return exported as OperatorClass;
}

/**
 * Checks what `onEvent` returned: a Status, or `undefined` (CONTINUE).
 * @throws TypeError for anything else.
 */
export function checkStatus(value: unknown): Status {
  if (value === undefined) return Status.CONTINUE;
  if (value === Status.CONTINUE || value === Status.STOP || value === Status.STOP_ALL) return value;
  throw new TypeError(`onEvent must return Status.CONTINUE, Status.STOP or Status.STOP_ALL, not ${typeof value === "string" ? `'${value}'` : String(value)}`);
}
