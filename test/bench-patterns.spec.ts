import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { patternsGoals, patternsMarkdown } from "../bench/src/patterns-report.js";
import { quickPlan } from "../bench/src/plan.js";
import { markdownReport } from "../bench/src/report.js";
import type { BenchResults } from "../bench/src/results.js";
import { type PatternsResults, type RequestReplyRow, patternsBench } from "../bench/src/run-patterns.js";
import { latencyStats } from "../bench/src/stats.js";
import { benchResults } from "./helpers/bench-results.js";

const results = (patterns: PatternsResults): BenchResults => benchResults({ patterns });

/** A row whose Rivulet round trips take `ratio` times the raw floor's 100 us. */
const row = (size: number, ratio: number): RequestReplyRow => ({ size, rivulet: latencyStats([ratio * 100_000]), raw: latencyStats([100_000]), ratioP50: ratio });

const synthetic = (hotRatio: number, growthMB: number): PatternsResults => ({
  service: { unix: { hot: [row(8, 1.1), row(64, hotRatio)], paced: [row(8, 1.2), row(64, 1.0)] }, nats: { hot: [row(8, 1.3), row(64, 1.29)] } },
  concurrency: { requests: 1000, rounds: 5, size: 8, msPerRound: [40, 20, 30, 50, 10], heapBeforeMB: 10, heapAfterMB: 10 + growthMB, growthMB },
});

describe("benchmark: the patterns section", () => {
  it("marks each goal met or missed from the numbers: the worst size against 1.3x, heap growth against 1 MB", () => {
    const goals = patternsGoals(results(synthetic(1.3, 0.25)));
    expect(goals).toHaveLength(4);
    expect(goals[0]).toBe("met: service round trip p50 within 1.3x of a raw Unix-socket request/reply, back to back: worst 1.30x at 64 B (130 us against 100 us)");
    expect(goals[1]).toMatch(/^met: .* one request every 20 ms: worst 1\.20x at 8 B/);
    expect(goals[2]).toMatch(/^met: service round trip p50 over NATS .*: worst 1\.30x at 8 B/);
    expect(goals[3]).toBe("met: 1,000 concurrent requests from one client complete with no leak (heap growth < 1 MB over 5,000 requests): +0.25 MB after 5 rounds, 30 ms per round");
    const missed = patternsGoals(results(synthetic(1.31, 1.5)));
    expect(missed[0]).toMatch(/^\*\*missed:\*\* .*: worst 1\.31x at 64 B/);
    expect(missed[3]).toMatch(/^\*\*missed:\*\* .*: \+1\.50 MB after 5 rounds/);
    expect(patternsMarkdown(results(synthetic(1.3, 0.25))).join("\n")).toContain("| Unix, back to back | 64 B | 1 | 130 | 130 | 130 | 130 | Unix socket | 100 | 100 | 100 | 1.30 |");
  });

  it("is absent from results measured before it existed", () => {
    const { patterns: _, ...older } = results(synthetic(1, 0));
    expect(patternsGoals(older)).toEqual([]);
    expect(patternsMarkdown(older)).toEqual([]);
  });

  describe("measured in quick mode", () => {
    const work = mkdtempSync(join(tmpdir(), "rivulet-bench-patterns-"));
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it("measures every size on both sides, every concurrent request, and renders the report and goals", async () => {
      const plan = quickPlan().patterns;
      const measured = await patternsBench(plan, work, () => {});
      const sides = [[measured.service.unix.hot, plan.hot], [measured.service.unix.paced, plan.paced], [measured.service.nats.hot, plan.natsHot]] as const;
      for (const [rows, spec] of sides) {
        expect(rows.map((r) => r.size)).toEqual(spec.sizes.map((s) => s.size));
        for (const r of rows) {
          // ABBA: two rounds of half the samples on each side.
          const samples = 2 * Math.ceil(spec.sizes.find((s) => s.size === r.size)!.samples / 2);
          expect(r.rivulet.samples).toBe(samples);
          expect(r.raw.samples).toBe(samples);
          expect(r.rivulet.p50).toBeGreaterThan(0);
          expect(r.raw.p50).toBeGreaterThan(0);
          expect(r.ratioP50).toBeCloseTo(r.rivulet.p50 / r.raw.p50);
        }
      }
      const c = measured.concurrency;
      expect(c).toMatchObject({ requests: plan.concurrency.requests, rounds: plan.concurrency.rounds, size: plan.concurrency.size });
      expect(c.msPerRound).toHaveLength(plan.concurrency.rounds);
      expect(c.heapBeforeMB).toBeGreaterThan(0);
      expect(c.growthMB).toBeCloseTo(c.heapAfterMB - c.heapBeforeMB);
      const report = markdownReport({ ...results(measured), quick: true });
      expect(report).toContain("## Communication patterns: services");
      expect(report).toMatch(/\| NATS, back to back \| 64 B \| \d+ \|/);
      expect(patternsGoals(results(measured)).filter((g) => /^(met:|\*\*missed:\*\*) /.test(g))).toHaveLength(4);
    }, 60_000);
  });
});
