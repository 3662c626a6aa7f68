import { k, mark } from "./format.js";
import type { BenchResults } from "./results.js";
import { median } from "./run-operators.js";

/** The "Operators" section of RESULTS.md; empty when the results have none. */
export function operatorsMarkdown(results: BenchResults): string[] {
  const o = results.operators;
  if (!o) return [];
  const { shared, worker, nodes } = o.chain;
  const ms = (values: number[]): string => `${median(values).toFixed(0)} ms (rounds: ${values.map((v) => v.toFixed(0)).join(", ")})`;
  return [
    "## Operators",
    "",
    "A chain of 3 (source -> forward -> sink), one number per message sent back to back with `sendOutput`, every",
    "link `backpressure` with a queue of 100 (nothing dropped, every message counted), timed from the first measured",
    "send to the last arrival. Operators sharing one runtime thread hand values over in-process without encoding; on",
    "worker threads each value is encoded, transferred to the runtime's thread, decoded and transferred on; nodes go",
    "over Unix sockets. ABBA rounds, half the messages each.",
    "",
    "| chain of 3 | messages | msg/s | vs nodes |",
    "|---|---|---|---|",
    `| operators, \`thread: shared\` (one runtime thread) | ${shared.messages} | ${k(shared.messagesPerSecond)} | ${(shared.messagesPerSecond / nodes.messagesPerSecond).toFixed(1)}x |`,
    `| operators, \`thread: worker\` (one worker each) | ${worker.messages} | ${k(worker.messagesPerSecond)} | ${(worker.messagesPerSecond / nodes.messagesPerSecond).toFixed(2)}x |`,
    `| 3 nodes over Unix sockets | ${nodes.messages} | ${k(nodes.messagesPerSecond)} | 1x |`,
    "",
    `Start-up, from \`startDataflow\` until every member has handled its first timer tick (1 ms timer) and the run has ended (median):`,
    `a runtime hosting ${o.startup.size} operators ${ms(o.startup.runtimeMs)}; ${o.startup.size} nodes ${ms(o.startup.nodesMs)}.`,
    "",
  ];
}

/** The operators issue's goal. */
export function operatorsGoals(results: BenchResults): string[] {
  const o = results.operators;
  if (!o) return [];
  const { shared, worker, nodes } = o.chain;
  const ratio = shared.messagesPerSecond / nodes.messagesPerSecond;
  return [
    `${mark(ratio >= 5)} a chain of 3 operators on one runtime thread passes small messages at >= 5x the rate of 3 nodes over Unix sockets: ${k(shared.messagesPerSecond)} msg/s against ${k(nodes.messagesPerSecond)} (${ratio.toFixed(1)}x); on worker threads ${k(worker.messagesPerSecond)} msg/s; start-up of ${o.startup.size} operators ${median(o.startup.runtimeMs).toFixed(0)} ms against ${o.startup.size} nodes ${median(o.startup.nodesMs).toFixed(0)} ms`,
  ];
}
