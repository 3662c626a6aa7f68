import { describe, expect, it } from "vitest";
import { RateLimitedLog } from "../src/rate-limited-log.js";

describe("RateLimitedLog", () => {
  it("logs the first line of a key, suppresses the rest within the interval, counts them on the next line", () => {
    let now = 0;
    const lines: { message: string; fields: Record<string, unknown> | undefined }[] = [];
    const log = new RateLimitedLog({ sink: { log: (_level, message, fields) => lines.push({ message, fields }) }, level: "warn", intervalMs: 1000, now: () => now });
    for (let i = 0; i < 500; i++) log.log("a", `bad ${i}`, { topic: "t" });
    log.log("b", "other");
    expect(lines.map((line) => line.message)).toEqual(["bad 0", "other"]);
    now = 1000;
    log.log("a", "bad 500", { topic: "t" });
    expect(lines[2]).toEqual({ message: "bad 500 (499 similar lines held back before this one)", fields: { topic: "t", suppressed: 499 } });
    log.log("a", "bad 501", { topic: "t" });
    log.flush();
    expect(lines[3]).toEqual({ message: "bad 501: 1 more line held back", fields: { topic: "t", suppressed: 1 } });
    log.flush();
    expect(lines).toHaveLength(4);
  });
});
