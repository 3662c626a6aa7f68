import { describe, expect, it } from "vitest";
import { checkParameters } from "../src/send-parameters.js";

describe("checkParameters", () => {
  it("passes flat booleans, finite numbers, strings and arrays of one of those, unchanged", () => {
    const parameters = { ok: true, n: -1.5, s: "", xs: [1, 2], tags: ["a", "b"], flags: [false], empty: [] };
    expect(checkParameters(parameters)).toBe(parameters);
  });

  it.each([
    [{ v: Number.NaN }, "v", "not-finite"],
    [{ v: Number.NEGATIVE_INFINITY }, "v", "not-finite"],
    [{ v: { a: 1 } }, "v", "nested"],
    [{ v: [[1]] }, "v", "nested"],
    [{ v: [{ a: 1 }] }, "v", "nested"],
    [{ v: 1n }, "v", "type"],
    [{ v: [1n] }, "v", "type"],
    [{ v: undefined }, "v", "type"],
    [{ v: null }, "v", "type"],
    [{ v: () => 1 }, "v", "type"],
    [{ v: [true, 1] }, "v", "mixed-array"],
  ])("refuses %o with InvalidParameterError naming the key and the reason", (parameters, key, reason) => {
    expect(() => checkParameters(parameters as never, "n1")).toThrow(expect.objectContaining({ name: "InvalidParameterError", key, reason, nodeId: "n1" }));
  });
});
