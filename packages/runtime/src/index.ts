/**
 * @rivulet/runtime — the runtime node that hosts operators. The daemon starts its `main` script
 * for every node with `operator:` or `operators:`; programs rarely use this package directly.
 *
 * ```ts
 * import { Node } from "@rivulet/node";
 * import { OperatorRuntime } from "@rivulet/runtime";
 * const report = await new OperatorRuntime(new Node()).run(); // node.config.operators says what to host
 * ```
 */
export { OperatorRuntime, type RuntimeNode, type RuntimeReport } from "./operator-runtime.js";
export type { OperatorEnd } from "./operator-slot.js";
export type { MailboxInputStats, InputBound } from "./operator-mailbox.js";
export { OperatorFailedError, OperatorReloadError, type OperatorPhase, type FailedOperator } from "./runtime-errors.js";
