import { describe, expect, it } from "vitest";

describe("@rivulet/core/internal", () => {
  it("exports every name the main entry exports, through the package's exports map", async () => {
    const main = await import("@rivulet/core");
    const internal = await import("@rivulet/core/internal");
    const missing = Object.keys(main).filter((name) => !(name in internal));
    expect(missing).toEqual([]);
    expect(Object.keys(internal).length).toBeGreaterThan(20);
  });
});
