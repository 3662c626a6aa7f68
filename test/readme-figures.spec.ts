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
