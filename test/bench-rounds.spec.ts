import { describe, expect, it } from "vitest";
import { mergeThroughput } from "../bench/src/run-rivulet.js";
import { throughputRows } from "../bench/src/throughput-rounds.js";

// README "Benchmarks": every message count is checked on both sides (a shortfall fails the run).
describe("benchmark throughput rounds", () => {
  const sizes = [{ size: 8, count: 100 }, { size: 64, count: 50 }];
  const full = { 8: { count: 100, ns: 1e6 }, 64: { count: 50, ns: 2e6 } };

  it("sums the ABBA rounds of each side into one row per size, as messages over their time", () => {
    const { rows, failures } = throughputRows("unix", 4, sizes, [full, full], [full, { 8: { count: 100, ns: 3e6 }, 64: { count: 50, ns: 2e6 } }]);
    expect(failures).toEqual([]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ transport: "unix", receivers: 4, size: 8, rivulet: { messages: 200, messagesPerSecond: 100_000 }, raw: { messages: 200, messagesPerSecond: 50_000 }, ratio: 2 });
    expect(rows[1]!.rivulet.megabytesPerSecond).toBeCloseTo((100 * 64) / 4e-3 / 1e6);
  });

  it("fails the run, naming the side, transport, fan-out and size, when either side delivered fewer messages than it sent", () => {
    const short = { 8: { count: 99, ns: 1e6 }, 64: { count: 50, ns: 2e6 } };
    expect(throughputRows("unix", 1, sizes, [full, short], [full, full]).failures).toEqual(["Rivulet unix 1 -> 1 at 8 B delivered 199 of 200 messages"]);
    expect(throughputRows("nats", 4, sizes, [full, full], [{ 8: full[8] }, full]).failures).toEqual(["raw nats 1 -> 4 at 64 B delivered 50 of 100 messages"]);
  });

  it("counts a fan-out round by its slowest receiver, timed from the first send to the last arrival", () => {
    const merged = mergeThroughput([
      { sizes: { 8: { count: 100, firstSentNs: 10, lastReceivedNs: 500 } } },
      { sizes: { 8: { count: 97, firstSentNs: 12, lastReceivedNs: 900 } } },
    ]);
    expect(merged).toEqual({ 8: { count: 97, ns: 890 } });
  });
});
