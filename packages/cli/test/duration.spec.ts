import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../src/duration.js";

describe("formatDuration", () => {
  it.each([
    [10_000, "10s"],
    [60_000, "60s"],
    [1500, "1500ms"],
    [0, "0s"],
  ])("writes %d ms as %s, which parseDuration reads back", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});

describe("parseDuration", () => {
  it.each(["", "10 parsecs", "-1s", "s"])("refuses %j with InvalidDurationError", (text) => {
    expect(() => parseDuration(text)).toThrow(expect.objectContaining({ name: "InvalidDurationError", text }));
  });

  it("reads a bare number as seconds", () => {
    expect(parseDuration("1.5")).toBe(1500);
  });
});
