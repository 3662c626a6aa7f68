/**
 * @rivulet/node/testing — run a node program without daemon or sockets.
 *
 * ```ts
 * import { runNode } from "@rivulet/node/testing";
 * const { outputs } = await runNode(
 *   async (node) => {
 *     for await (const event of node) {
 *       if (event.type === "INPUT") await node.sendOutput("doubled", event.value.toArray().map((x: number) => x * 2));
 *     }
 *   },
 *   { events: [{ id: "numbers", value: [1, 2, 3] }], outputs: ["doubled"] },
 * );
 * outputs[0]!.rows; // [2, 4, 6]
 * ```
 */
export { runNode, type NodeRun } from "./run-node.js";
export type { MockNodeInit, SentOutput, Report } from "./mock-session.js";
export { ScriptError, type ScriptedEvent, type ScriptedInput } from "./scripted-events.js";
export { runOperator, type OperatorRun, type OperatorRunInit } from "./run-operator.js";
