import type { ThroughputRow } from "./results.js";
import { throughput } from "./stats.js";

/** What one round delivered per payload size: messages received (by the slowest receiver) and the time they took. */
export type RoundResult = Record<string, { count: number; ns: number }>;

/**
 * Turns the interleaved rounds of one fan-out into result rows. Each side ran `rounds.length`
 * rounds of `count` messages per size; a side that delivered fewer (or more) than it was sent is
 * a failure of the whole run, named with the side, the fan-out and the size.
 */
export function throughputRows(transport: string, receivers: number, sizes: { size: number; count: number }[], rivulet: RoundResult[], raw: RoundResult[]): { rows: ThroughputRow[]; failures: string[] } {
  const rows: ThroughputRow[] = [];
  const failures: string[] = [];
  for (const { size, count } of sizes) {
    const r = sumRounds(rivulet, size);
    const b = sumRounds(raw, size);
    for (const [name, rounds, got] of [["Rivulet", rivulet, r], ["raw", raw, b]] as const) {
      const expected = rounds.length * count;
      if (got.count !== expected) failures.push(`${name} ${transport} 1 -> ${receivers} at ${size} B delivered ${got.count} of ${expected} messages`);
    }
    const rt = throughput(r.count, size, r.ns);
    const bt = throughput(b.count, size, b.ns);
    rows.push({ transport, receivers, size, rivulet: rt, raw: bt, ratio: rt.messagesPerSecond / bt.messagesPerSecond });
  }
  return { rows, failures };
}

/** Sums the rounds of one size: messages and the time they took. */
function sumRounds(rounds: RoundResult[], size: number): { count: number; ns: number } {
  return rounds.reduce((sum, round) => ({ count: sum.count + (round[size]?.count ?? 0), ns: sum.ns + (round[size]?.ns ?? 0) }), { count: 0, ns: 0 });
}
