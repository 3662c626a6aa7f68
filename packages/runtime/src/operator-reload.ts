import { pathToFileURL } from "node:url";
import type { Operator } from "@rivulet/node";
import { type ModuleLoader, constructOperator } from "./operator-instance.js";
import { type FailedOperator, OperatorFailedError, OperatorReloadError } from "./runtime-errors.js";

/**
 * Imports the current version of a module and of the relative modules it imports, whatever
 * was imported before. A query on the file URL is not enough: tsx keeps serving a CommonJS
 * module (a `.ts` file in a package without `"type": "module"`) from `require`'s cache, and
 * the query re-evaluates the file itself but not its imports. tsx's `tsImport` loads the tree
 * under a namespace of its own (a `?tsx-namespace=` query on every URL), for `.ts` and `.js`
 * alike; packages under `node_modules` are shared with the running code. Imported on the first
 * reload only: a run without `--watch` does not pay for it at start-up.
 */
const freshImport: ModuleLoader = async (file) => {
  const { tsImport } = await import("tsx/esm/api");
  return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
};

/**
 * The operator of `at.file` as the file is now (`rivulet run --watch`): its module imported
 * anew, its class constructed, and the state of `previous` carried over, by this rule:
 * - `previous.snapshot()` and `next.restore(state)` both exist: the state `snapshot()` returns
 *   is handed to `restore` (whatever it is: the two run on the same thread, nothing is cloned);
 * - otherwise every own enumerable property of `previous` (its fields, `count = 0` and
 *   `this.count = ...` alike) is assigned to the new instance, after its constructor ran, so
 *   the old values win; `#private` fields and closures are not carried.
 * `previous` is left untouched, and keeps running when this throws.
 * @throws OperatorReloadError whose cause is OperatorFailedError (`load`, `constructor`,
 *   `snapshot`, `restore`) or OperatorExportError (no default-exported operator class).
 */
export async function reloadOperator(previous: Operator, at: FailedOperator): Promise<Operator> {
  try {
    const next = await constructOperator(at, freshImport);
    carryState(previous, next, at);
    return next;
  } catch (error) {
    throw new OperatorReloadError(at, error);
  }
}

/**
 * Carries the state of `previous` into `next` (see `reloadOperator` for the rule).
 * @throws OperatorFailedError (`snapshot`, `restore`) when one of them throws.
 */
export function carryState(previous: Operator, next: Operator, at: FailedOperator): void {
  if (typeof previous.snapshot !== "function" || typeof next.restore !== "function") {
    Object.assign(next, previous);
    return;
  }
  let state: unknown;
  try {
    state = previous.snapshot();
  } catch (cause) {
    throw new OperatorFailedError(at, "snapshot", cause);
  }
  try {
    next.restore(state);
  } catch (cause) {
    throw new OperatorFailedError(at, "restore", cause);
  }
}
