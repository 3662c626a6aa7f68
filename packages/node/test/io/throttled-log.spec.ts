import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LogLevel, Parameter } from "@rivulet/core";
import { mapConcurrent } from "../../src/io/map-concurrent.js";
import { ThrottledLog } from "../../src/io/throttled-log.js";
import { collect } from "./map-kit.js";

type Line = { level: LogLevel; message: string; fields?: Record<string, Parameter> };
const recorder = (): { lines: Line[]; log: (level: LogLevel, message: string, fields?: Record<string, Parameter>) => void } => {
  const lines: Line[] = [];
  return { lines, log: (level, message, fields) => lines.push({ level, message, fields }) };
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("ThrottledLog", () => {
  it("logs the first line at once, holds back the next ones for the interval, and counts them in the next line", () => {
    const sink = recorder();
    const log = new ThrottledLog(sink, 1000);
    for (let i = 0; i < 5; i++) log.log("warn", `failure ${i}`, { i });
    expect(sink.lines).toEqual([{ level: "warn", message: "failure 0", fields: { i: 0 } }]);
    expect(log.suppressed).toBe(4);
    vi.advanceTimersByTime(1000);
    log.log("warn", "failure 5", { i: 5 });
    expect(sink.lines[1]).toMatchObject({ level: "warn", fields: { i: 5, suppressed: 4 } });
    expect(log.suppressed).toBe(0);
  });

  it("flush() reports the lines held back since the last one, and nothing when there are none", () => {
    const sink = recorder();
    const log = new ThrottledLog(sink, 1000);
    log.flush("writes");
    expect(sink.lines).toEqual([]);
    log.log("error", "a");
    log.log("error", "b");
    log.log("error", "c");
    log.flush("writes", { table: "readings" });
    expect(sink.lines[1]).toMatchObject({ level: "error", fields: { table: "readings", suppressed: 2 } });
    expect(log.suppressed).toBe(0);
  });
});

describe("mapConcurrent's failure log through a node", () => {
  it("logs failures as warn lines, at most one per interval, the rest counted, without ending the loop", async () => {
    const node = recorder();
    const items = Array.from({ length: 20 }, (_, i) => i + 1);
    const map = mapConcurrent(items, async (item: number) => {
      if (item % 2 === 0) throw new Error(`connect ECONNREFUSED 127.0.0.1:5432 (${item})`);
      return item;
    }, { concurrency: 4, node, name: "writer", logIntervalMs: 5000 });
    expect(await collect(map)).toEqual(items.filter((item) => item % 2 === 1));
    expect(map.stats()).toMatchObject({ failed: 10, succeeded: 10 });
    expect(node.lines).toHaveLength(2);
    expect(node.lines[0]).toMatchObject({ level: "warn", fields: { name: "writer", outcome: "failed", error: "connect ECONNREFUSED 127.0.0.1:5432 (2)" } });
    expect(node.lines[1]).toMatchObject({ level: "warn", fields: { name: "writer", suppressed: 9 } });
  });
});
