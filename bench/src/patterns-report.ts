import { mark, us } from "./format.js";
import { type BenchResults, formatSize } from "./results.js";
import { median } from "./run-operators.js";
import type { RequestReplyRow } from "./run-patterns.js";

/** Heap growth (MB) over all the measured concurrent requests under which they count as not leaking. */
export const LEAK_THRESHOLD_MB = 1;

/** The patterns goals' bound on a service's round trip p50 against its raw floor. */
const RATIO_GOAL = 1.3;

/** The "Communication patterns" section of RESULTS.md; empty when the results have none. */
export function patternsMarkdown(results: BenchResults): string[] {
  const p = results.patterns;
  if (!p) return [];
  const c = p.concurrency;
  const table = (what: string, raw: string, rows: RequestReplyRow[]): string[] =>
    rows.map((r) => `| ${what} | ${formatSize(r.size)} | ${r.rivulet.samples} | ${us(r.rivulet.p50)} | ${us(r.rivulet.p90)} | ${us(r.rivulet.p99)} | ${us(r.rivulet.max)} | ${raw} | ${us(r.raw.p50)} | ${us(r.raw.p90)} | ${us(r.raw.p99)} | ${r.ratioP50.toFixed(2)} |`);
  return [
    "## Communication patterns: services",
    "",
    "Round trips (not halved), in microseconds, of a service: a client node's `node.request(output, input, bytes, { timeout })`",
    "against a server node's `node.serve(input, output, (request) => request.data)` echoing each request (a",
    "`Uint8Array`, sent raw), one request in flight. The raw floor is two plain Node processes with the same request",
    "loop: over Unix, one plain Unix socket with a 4-byte length prefix, the server echoing each request as it is",
    "parsed; over NATS, nats.js `nc.request()` against a `nc.subscribe()` responder, through the same nats-server.",
    "Both sides arm a timeout per request. Back to back, the next request leaves when the reply arrives; paced, the",
    "client sleeps 20 ms after each reply. ABBA rounds, half the samples each, after the same warm-up.",
    "",
    "| mode | size | samples | Rivulet p50 | p90 | p99 | max | raw floor | p50 | p90 | p99 | ratio p50 |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...table("Unix, back to back", "Unix socket", p.service.unix.hot),
    ...table("Unix, every 20 ms", "Unix socket", p.service.unix.paced),
    ...table("NATS, back to back", "nats.js request", p.service.nats.hot),
    "",
    `${c.requests.toLocaleString("en-US")} requests at once from one client (\`Promise.all\`, ${formatSize(c.size)} each, Unix), each reply checked`,
    `against its request; a warm-up round, then ${c.rounds} rounds: ${median(c.msPerRound).toFixed(0)} ms per round (median; rounds:`,
    `${c.msPerRound.map((ms) => ms.toFixed(0)).join(", ")}). Client heap after a forced GC: ${c.heapBeforeMB.toFixed(2)} MB before the first round,`,
    `${c.heapAfterMB.toFixed(2)} MB after the last (${growth(c.growthMB)}).`,
    "",
  ];
}

/** The patterns issue's goals (p50, small payloads; concurrency without a leak). */
export function patternsGoals(results: BenchResults): string[] {
  const p = results.patterns;
  if (!p) return [];
  const c = p.concurrency;
  const total = c.requests * c.rounds;
  return [
    ratioGoal("service round trip p50 within 1.3x of a raw Unix-socket request/reply, back to back", p.service.unix.hot),
    ratioGoal("service round trip p50 within 1.3x of a raw Unix-socket request/reply, one request every 20 ms", p.service.unix.paced),
    ratioGoal("service round trip p50 over NATS within 1.3x of nats.js request/reply, back to back", p.service.nats.hot),
    `${mark(c.growthMB < LEAK_THRESHOLD_MB)} ${c.requests.toLocaleString("en-US")} concurrent requests from one client complete with no leak (heap growth < ${LEAK_THRESHOLD_MB} MB over ${total.toLocaleString("en-US")} requests): ${growth(c.growthMB)} after ${c.rounds} rounds, ${median(c.msPerRound).toFixed(0)} ms per round`,
  ];
}

function ratioGoal(goal: string, rows: RequestReplyRow[]): string {
  if (rows.length === 0) return `**missed:** ${goal}: not measured`;
  const worst = rows.reduce((a, b) => (b.ratioP50 > a.ratioP50 ? b : a));
  // NaN (a side without samples) is never within the bound.
  return `${mark(rows.every((r) => r.ratioP50 <= RATIO_GOAL))} ${goal}: worst ${worst.ratioP50.toFixed(2)}x at ${formatSize(worst.size)} (${us(worst.rivulet.p50)} us against ${us(worst.raw.p50)} us)`;
}

/** "+0.12 MB" / "-0.03 MB". */
const growth = (mb: number): string => `${mb >= 0 ? "+" : ""}${mb.toFixed(2)} MB`;
