import { fork } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Broker, startNats } from "@rivulet/test-brokers";
import { exited } from "./run-raw.js";
import { checkDrops } from "./run-network.js";
import { runDataflow } from "./run-rivulet.js";
import { type LatencyStats, latencyStats } from "./stats.js";

const NODES = fileURLToPath(new URL("../nodes/", import.meta.url));
const RAW = fileURLToPath(new URL("../raw/raw-reqrep.mjs", import.meta.url));

/** Round trips of one mode: warm-up requests then `samples` measured ones per payload size. */
export interface RequestPlan {
  warmup: number;
  sizes: { size: number; samples: number }[];
}

/** The patterns section's sizes and counts (bench/src/plan.ts). */
export interface PatternsPlan {
  /** Back to back over Unix sockets. */
  hot: RequestPlan;
  /** One request every `periodMs` over Unix sockets. */
  paced: RequestPlan & { periodMs: number };
  /** Back to back over NATS. */
  natsHot: RequestPlan;
  /** `requests` requests at once from one client, a warm-up round then `rounds` measured rounds. */
  concurrency: { requests: number; rounds: number; size: number };
}

/** One payload size: the service's round trips beside the raw floor's (us). */
export interface RequestReplyRow {
  size: number;
  rivulet: LatencyStats;
  raw: LatencyStats;
  /** rivulet p50 / raw p50. */
  ratioP50: number;
}

/** What the patterns section measured. */
export interface PatternsResults {
  service: { unix: { hot: RequestReplyRow[]; paced: RequestReplyRow[] }; nats: { hot: RequestReplyRow[] } };
  /** `requests` concurrent requests per round from one client over Unix sockets; heap after a forced GC. */
  concurrency: { requests: number; rounds: number; size: number; msPerRound: number[]; heapBeforeMB: number; heapAfterMB: number; growthMB: number };
}

type Mode = "hot" | "paced";
type Kind = "unix" | "nats";
type Rtts = Record<string, number[]>;

/**
 * The client's input for replies and the server's for requests: the default policy (drop_oldest,
 * as the latency section and the raw floor, which has no flow control) with a queue that holds
 * every request in flight, so a drop is a loss (and fails the run).
 */
function serviceInput(source: string, inFlight: number): object {
  return { source, queue_size: inFlight + 100, queue_policy: "drop_oldest" };
}

/** Runs the service client and the echo server as a dataflow on `kind`; resolves to the client's file. */
async function rivuletService(kind: Kind, plan: object, inFlight: number, dir: string, natsUrl?: string): Promise<unknown> {
  const out = join(dir, "result.json");
  const env = { BENCH_PLAN: JSON.stringify(plan), BENCH_OUT: out };
  const result = await runDataflow(dir, {
    ...(kind === "nats" ? { transport: "nats", transports: { nats: { kind: "nats", servers: natsUrl } } } : {}),
    nodes: [
      { id: "client", path: join(NODES, "service-client.mjs"), outputs: ["request"], inputs: { reply: serviceInput("server/reply", inFlight) }, env },
      { id: "server", path: join(NODES, "service-server.mjs"), inputs: { request: serviceInput("client/request", inFlight) }, outputs: ["reply"] },
    ],
  }, 120_000 + 40 * requestCount(plan));
  checkDrops(result, `the ${kind} service`);
  return JSON.parse(readFileSync(out, "utf8"));
}

/** At most the requests of a round-trip plan (warm-ups are at most as many as the samples), for the run's deadline. */
const requestCount = (plan: object): number => ((plan as Partial<RequestPlan>).sizes ?? []).reduce((sum, s) => sum + 2 * s.samples, 0);

/** Runs raw-reqrep.mjs as a server and a client on `kind`; resolves to the client's round trips. */
async function rawService(kind: Kind, plan: object, dir: string, natsUrl?: string): Promise<Rtts> {
  mkdirSync(dir, { recursive: true });
  const endpoint = kind === "nats" ? natsUrl! : join(dir, "raw.sock");
  const out = join(dir, "raw-result.json");
  const planText = JSON.stringify(plan);
  const server = fork(RAW, ["server", kind, endpoint, planText], { stdio: "inherit" });
  const serverExit = exited(server, `raw ${kind} request/reply server`);
  // A server that fails before it is ready rejects here instead of leaving the wait hanging.
  await Promise.race([new Promise((resolve) => server.once("message", resolve)), serverExit]);
  const client = fork(RAW, ["client", kind, endpoint, planText, out], { stdio: "inherit" });
  await Promise.all([exited(client, `raw ${kind} request/reply client`), serverExit]);
  return (JSON.parse(readFileSync(out, "utf8")) as { rttNs: Rtts }).rttNs;
}

/** Half the samples (at least 2), for one of the two rounds of an ABBA pair. */
const halfOf = (samples: number): number => Math.max(2, Math.ceil(samples / 2));

/** Service against raw floor in ABBA rounds (service, raw, raw, service), half the samples each. */
async function abba(kind: Kind, mode: Mode, plan: RequestPlan, work: string, step: (text: string) => void, natsUrl?: string): Promise<RequestReplyRow[]> {
  const half = { mode, ...plan, sizes: plan.sizes.map((s) => ({ ...s, samples: halfOf(s.samples) })) };
  const rivulet: Rtts[] = [];
  const raw: Rtts[] = [];
  for (const [round, order] of [["a", ["rivulet", "raw"]], ["b", ["raw", "rivulet"]]] as const) {
    for (const system of order) {
      const dir = join(work, `${kind}-${mode}-${system}-${round}`);
      step(`patterns: request/reply ${mode === "hot" ? "back to back" : "paced"} over ${kind}: ${system === "rivulet" ? "Rivulet service" : `raw ${kind === "unix" ? "Unix socket" : "nats.js"}`} (round ${round})`);
      if (system === "rivulet") rivulet.push(((await rivuletService(kind, half, 1, dir, natsUrl)) as { rttNs: Rtts }).rttNs);
      else raw.push(await rawService(kind, half, dir, natsUrl));
    }
  }
  return plan.sizes.map(({ size, samples }) => {
    const r = latencyStats(rivulet.flatMap((round) => round[size] ?? []));
    const b = latencyStats(raw.flatMap((round) => round[size] ?? []));
    const expected = 2 * halfOf(samples);
    if (r.samples !== expected || b.samples !== expected) throw new Error(`request/reply ${mode} over ${kind} at ${size} B: ${r.samples} Rivulet and ${b.samples} raw round trips of ${expected}`);
    return { size, rivulet: r, raw: b, ratioP50: r.p50 / b.p50 };
  });
}

/**
 * The patterns section: a service's round trip (`node.request` against `node.serve` echoing)
 * beside the raw floor measured in the same run, in ABBA rounds: back to back and paced over
 * Unix sockets against one plain Unix socket, back to back over NATS against nats.js
 * `request()` (it starts its own nats-server and closes it at the end); then `requests`
 * concurrent requests from one client, with the heap before and after. Throws when a run fails
 * or a sample is missing.
 */
export async function patternsBench(plan: PatternsPlan, work: string, step: (text: string) => void): Promise<PatternsResults> {
  const hot = await abba("unix", "hot", plan.hot, work, step);
  const paced = await abba("unix", "paced", plan.paced, work, step);
  let nats: Broker | undefined;
  let natsHot: RequestReplyRow[];
  try {
    nats = await startNats({ jetstream: false });
    natsHot = await abba("nats", "hot", plan.natsHot, work, step, nats.url);
  } finally {
    await nats?.close();
  }
  const { requests, rounds } = plan.concurrency;
  step(`patterns: ${requests} concurrent requests from one client, ${rounds} rounds after a warm-up round`);
  const got = (await rivuletService("unix", { mode: "concurrency", ...plan.concurrency }, requests, join(work, "concurrency"))) as Omit<PatternsResults["concurrency"], "growthMB">;
  if (got.msPerRound.length !== rounds) throw new Error(`concurrent requests: ${got.msPerRound.length} of ${rounds} rounds measured`);
  return { service: { unix: { hot, paced }, nats: { hot: natsHot } }, concurrency: { ...got, growthMB: got.heapAfterMB - got.heapBeforeMB } };
}
