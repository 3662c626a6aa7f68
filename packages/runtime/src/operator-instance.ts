import { pathToFileURL } from "node:url";
import type { NodeEvent } from "@rivulet/core";
import { type Operator, type SendOutput, type Status, checkStatus, operatorClassOf } from "@rivulet/node";
import { type FailedOperator, OperatorFailedError } from "./runtime-errors.js";

/** Imports a module file, giving its namespace. */
export type ModuleLoader = (file: string) => Promise<Record<string, unknown>>;

/** Node's `import()` (through the process's loader: tsx in a runtime node); cached by URL. */
const importModule: ModuleLoader = (file) => import(pathToFileURL(file).href) as Promise<Record<string, unknown>>;

/**
 * Loads an operator's module (with `load`, default Node's cached `import()`) and constructs its
 * class once, without arguments.
 * @throws OperatorExportError when the module's default export is not an operator class;
 *   OperatorFailedError (`load`) when the module cannot be imported, (`constructor`) when the
 *   constructor throws.
 */
export async function constructOperator(at: FailedOperator, load: ModuleLoader = importModule): Promise<Operator> {
  let namespace: Record<string, unknown>;
  try {
    namespace = await load(at.file);
  } catch (cause) {
    throw new OperatorFailedError(at, "load", cause);
  }
  const OperatorType = operatorClassOf(namespace, { nodeId: at.nodeId, operatorId: at.operatorId, file: at.file });
  try {
    return new OperatorType();
  } catch (cause) {
    throw new OperatorFailedError(at, "constructor", cause);
  }
}

/**
 * Calls `onEvent`: the Status at once when it returned one, else a promise of it.
 * @throws (or rejects with) OperatorFailedError (`onEvent`) when it throws, rejects or returns
 *   something that is not a Status.
 */
export function invokeOperator(operator: Operator, event: NodeEvent, sendOutput: SendOutput, at: FailedOperator): Status | Promise<Status> {
  let result: Status | Promise<Status>;
  try {
    result = operator.onEvent(event, sendOutput);
  } catch (cause) {
    throw new OperatorFailedError(at, "onEvent", cause);
  }
  if (!isThenable(result)) return checked(result, at);
  return Promise.resolve(result).then(
    (status) => checked(status, at),
    (cause: unknown) => {
      throw new OperatorFailedError(at, "onEvent", cause);
    },
  );
}

function checked(status: unknown, at: FailedOperator): Status {
  try {
    return checkStatus(status);
  } catch (cause) {
    throw new OperatorFailedError(at, "onEvent", cause);
  }
}

/** True for a promise, or anything with a `then` method. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
