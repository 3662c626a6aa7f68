import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TABLE_END, TABLE_START, readmeTable } from "../bench/src/readme-table.js";
import type { BenchResults } from "../bench/src/results.js";
import { ROOT } from "./helpers/paths.js";

describe("README benchmark figures", () => {
  it("are exactly the table generated from bench/results/latest.json, stamped with its commit", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const results = JSON.parse(readFileSync(join(ROOT, "bench/results/latest.json"), "utf8")) as BenchResults;
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start, end + TABLE_END.length)).toBe(readmeTable(results));
  });
});

describe("README benchmark table", () => {
  it("shows the struct rows only when the results hold them", () => {
    const results = JSON.parse(readFileSync(join(ROOT, "bench/results/latest.json"), "utf8")) as BenchResults;
    const withoutStruct = readmeTable({ ...results, struct: undefined });
    expect(withoutStruct).not.toContain("1-row struct");
    const stats = { samples: 5, p50: 61.25, p90: 70, p99: 80, max: 90, mean: 62 };
    const withStruct = readmeTable({ ...results, struct: { latency: stats, throughput: { messages: 1000, seconds: 0.01, messagesPerSecond: 100_000, megabytesPerSecond: 0 } } });
    expect(withStruct).toContain("| 1-row struct (5 fields) one-way, back to back | 61.3 us |  |");
    expect(withStruct).toContain("| 1-row struct (5 fields) throughput, 1 -> 1 | 100 k msg/s |  |");
  });
});

describe("README codec figures", () => {
  it("are those of bench/results/codec.json (npm run bench:codec): the 1-row struct's cost and its ratio to Arrow IPC", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8").replace(/\s+/g, " ");
    const codec = JSON.parse(readFileSync(join(ROOT, "bench/results/codec.json"), "utf8")) as { rows: { type: string; rows: number; codec: string; totalUs: number }[] };
    const row = (codecName: string) => codec.rows.find((r) => r.type === "struct of 5" && r.rows === 1 && r.codec === codecName)!;
    const claim = /\(([\d.]+) us to encode and decode a one-row 5-field struct on this repository's 2-core VM, (\d+)x less than Arrow IPC;/.exec(readme);
    expect(claim, "the README's codec sentence").not.toBeNull();
    expect(claim![1]).toBe(row("rivulet").totalUs.toFixed(1));
    expect(claim![2]).toBe(String(Math.round(row("arrow-ipc").totalUs / row("rivulet").totalUs)));
  });
});
