import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { NodeEvent } from "@rivulet/core";
import { type Operator, type OperatorClass, type OperatorSite, type SendOutput, Status, checkStatus, operatorClassOf, operatorLabel } from "../status.js";
import type { MockNodeInit } from "./mock-session.js";
import { type NodeRun, runNode } from "./run-node.js";

/** Options of `runOperator`: those of `runNode` (`events`, `inputs`, `outputs`...), plus the operator's id. */
export interface OperatorRunInit extends MockNodeInit {
  /** The operator's id, for messages (default `op`). */
  operatorId?: string;
}

/** What an operator did in `runOperator`. */
export interface OperatorRun extends NodeRun {
  /** What each call of `onEvent` returned, in order (STOP events included). */
  statuses: Status[];
  /**
   * How the operator ended: `stop-event` (it got the script's STOP, or STOP after its inputs
   * closed), `stop` (it returned `Status.STOP`), `stop-all` (it returned `Status.STOP_ALL`: the
   * run asked to stop the dataflow, as its runtime would; `reports` holds that `stop_dataflow`).
   */
  ended: "stop-event" | "stop" | "stop-all";
}

/**
 * Runs an operator against scripted events, without daemon or sockets, as its runtime would:
 * the class constructed once, `onEvent` called for each event in turn (awaited), and the run
 * ending at STOP or at the first `Status.STOP` / `Status.STOP_ALL`, events left unread being
 * discarded. Values are encoded and decoded as on the wire, as with `runNode`, whose options
 * this takes (`events`, `inputs`, `outputs`: the operator's own ids).
 *
 * ```ts
 * const { outputs, ended } = await runOperator(Doubler, { events: [{ id: "tick", value: 21 }], outputs: ["doubled"] });
 * outputs[0]!.rows; // [42]
 * ```
 * @param operator the class, or the path of its module (absolute, or relative to the working
 *   folder), which must default-export it.
 * @throws whatever the constructor or `onEvent` throws; OperatorExportError for a module whose
 *   default export is not an operator class; TypeError when `onEvent` returns something that
 *   is not a Status; ScriptError as `runNode`.
 */
export async function runOperator(operator: OperatorClass | string, init: OperatorRunInit = {}): Promise<OperatorRun> {
  const operatorId = init.operatorId ?? "op";
  const nodeId = init.nodeId ?? "node";
  // Without an operator id it stands for the `operator:` shorthand, whose internal id is never shown.
  const site = { nodeId, operatorId, file: typeof operator === "string" ? operator : "", label: init.operatorId ? undefined : `the operator of node '${nodeId}'` };
  const OperatorType = typeof operator === "string" ? await loadClass(operator, site) : operator;
  const statuses: Status[] = [];
  let ended: OperatorRun["ended"] = "stop-event";
  const run = await runNode(async (node) => {
    const instance: Operator = new OperatorType();
    const sendOutput: SendOutput = (outputId, data, metadata, options) => node.sendOutput(outputId, data, metadata, options);
    for await (const event of node as AsyncIterable<NodeEvent>) {
      const status = checkStatus(await instance.onEvent(event, sendOutput));
      statuses.push(status);
      if (event.type === "STOP") return;
      if (status === Status.STOP) {
        ended = "stop";
        return;
      }
      if (status === Status.STOP_ALL) {
        ended = "stop-all";
        // As its runtime does: the request shows in `reports` as `stop_dataflow`.
        await node.stopDataflow(`${operatorLabel(site)} returned STOP_ALL`);
        return;
      }
    }
  }, init);
  return { ...run, statuses, ended };
}

async function loadClass(path: string, site: OperatorSite): Promise<OperatorClass> {
  const file = isAbsolute(path) ? path : resolve(path);
  const namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  return operatorClassOf(namespace, { ...site, file });
}
