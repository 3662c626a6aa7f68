import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runDataflow } from "./run-rivulet.js";
import { type Throughput, throughput } from "./stats.js";

const NODES = fileURLToPath(new URL("../nodes/", import.meta.url));

/** Messages per chain round, and start-up rounds. */
export interface OperatorsPlan {
  chain: { warmup: number; count: number };
  /** Operators (or nodes) started at once, and how many times each start-up is measured. */
  startup: { size: number; rounds: number };
}

/** Where the three links of a chain run. */
export type ChainPlacement = "shared" | "worker" | "nodes";

/** What the operators section measured. */
export interface OperatorsResults {
  /** A chain of 3 (source -> forward -> sink), one number per message, back to back, nothing dropped. */
  chain: Record<ChainPlacement, Throughput>;
  /** Milliseconds from `startDataflow` until every member handled its first timer tick and the run ended, per round. */
  startup: { size: number; runtimeMs: number[]; nodesMs: number[] };
}

/** Flow control on every link, so that a message is never dropped: each round delivers all of them. */
const LINK = { queue_size: 100, queue_policy: "backpressure" };

function chainDataflow(placement: ChainPlacement, plan: OperatorsPlan["chain"], out: string): object {
  const env = { BENCH_PLAN: JSON.stringify(plan), BENCH_OUT: out };
  if (placement === "nodes") {
    return {
      nodes: [
        { id: "source", path: join(NODES, "chain-node.mjs"), outputs: ["data"], env: { ...env, CHAIN_ROLE: "source" } },
        { id: "forward", path: join(NODES, "chain-node.mjs"), inputs: { data: { source: "source/data", ...LINK } }, outputs: ["data"], env: { ...env, CHAIN_ROLE: "forward" } },
        { id: "sink", path: join(NODES, "chain-node.mjs"), inputs: { data: { source: "forward/data", ...LINK } }, env: { ...env, CHAIN_ROLE: "sink" } },
      ],
    };
  }
  const thread = placement;
  return {
    nodes: [
      {
        id: "chain",
        env,
        operators: [
          { id: "source", javascript: join(NODES, "chain-source-op.mjs"), thread, inputs: { tick: "dora/timer/millis/10" }, outputs: ["data"] },
          { id: "forward", javascript: join(NODES, "chain-forward-op.mjs"), thread, inputs: { data: { source: "chain/source/data", ...LINK } }, outputs: ["data"] },
          { id: "sink", javascript: join(NODES, "chain-sink-op.mjs"), thread, inputs: { data: { source: "chain/forward/data", ...LINK } } },
        ],
      },
    ],
  };
}

async function chainRound(placement: ChainPlacement, plan: OperatorsPlan["chain"], dir: string): Promise<{ count: number; ns: number }> {
  const out = join(dir, "result.json");
  await runDataflow(dir, chainDataflow(placement, plan, out), 120_000);
  const got = JSON.parse(readFileSync(out, "utf8")) as { count: number; firstSentNs: number; lastReceivedNs: number };
  if (got.count !== plan.count) throw new Error(`chain of 3 (${placement}): ${got.count} of ${plan.count} messages arrived`);
  return { count: got.count, ns: got.lastReceivedNs - got.firstSentNs };
}

function startupDataflow(kind: "runtime" | "nodes", size: number): object {
  const tick = { tick: "dora/timer/millis/1" };
  const ids = Array.from({ length: size }, (_, i) => `m${i}`);
  if (kind === "nodes") return { nodes: ids.map((id) => ({ id, path: join(NODES, "startup-node.mjs"), inputs: tick })) };
  return { nodes: [{ id: "runtime", operators: ids.map((id) => ({ id, javascript: join(NODES, "startup-op.mjs"), inputs: tick })) }] };
}

/**
 * The operators section: a chain of 3 operators sharing one runtime thread, the same chain with
 * each operator on its own worker thread, and the same chain built from 3 nodes over Unix
 * sockets, in ABBA rounds (half the messages each); then the start-up of a runtime hosting
 * `size` operators against `size` nodes, alternating, `rounds` times each.
 */
export async function operatorsBench(plan: OperatorsPlan, workDir: string, step: (text: string) => void): Promise<OperatorsResults> {
  const half = { warmup: plan.chain.warmup, count: Math.max(2, Math.ceil(plan.chain.count / 2)) };
  const sums: Record<ChainPlacement, { count: number; ns: number }> = { shared: { count: 0, ns: 0 }, worker: { count: 0, ns: 0 }, nodes: { count: 0, ns: 0 } };
  const orders: ChainPlacement[][] = [["shared", "worker", "nodes"], ["nodes", "worker", "shared"]];
  for (const [round, order] of orders.entries()) {
    for (const placement of order) {
      step(`operators: chain of 3, ${placement === "nodes" ? "3 nodes over Unix sockets" : `3 operators, thread: ${placement}`} (round ${round + 1})`);
      const got = await chainRound(placement, half, join(workDir, `chain-${placement}-${round}`));
      sums[placement].count += got.count;
      sums[placement].ns += got.ns;
    }
  }
  const chain = Object.fromEntries(Object.entries(sums).map(([placement, s]) => [placement, throughput(s.count, 8, s.ns)])) as Record<ChainPlacement, Throughput>;
  const startup: OperatorsResults["startup"] = { size: plan.startup.size, runtimeMs: [], nodesMs: [] };
  for (let round = 0; round < plan.startup.rounds; round++) {
    const order: ("runtime" | "nodes")[] = round % 2 === 0 ? ["runtime", "nodes"] : ["nodes", "runtime"];
    for (const kind of order) {
      step(`operators: start-up of ${plan.startup.size} ${kind === "runtime" ? "operators in one runtime" : "nodes"} (round ${round + 1})`);
      const started = performance.now();
      await runDataflow(join(workDir, `startup-${kind}-${round}`), startupDataflow(kind, plan.startup.size), 60_000);
      (kind === "runtime" ? startup.runtimeMs : startup.nodesMs).push(performance.now() - started);
    }
  }
  return { chain, startup };
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
