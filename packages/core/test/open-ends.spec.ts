import { describe, expect, it } from "vitest";
import { OpenEnds, type Subscription } from "../src/index.js";

function end(closes: string[], name: string): Subscription {
  return { close: async () => void closes.push(name), pause() {}, resume() {}, closed: new Promise(() => {}) };
}

describe("OpenEnds", () => {
  it("closes every end it tracked, once, and returns each end from track()", async () => {
    const closes: string[] = [];
    const ends = new OpenEnds();
    const a = end(closes, "a");
    expect(ends.track(a)).toBe(a);
    ends.track(end(closes, "b"));
    ends.track(a);
    await ends.closeAll();
    expect(closes.sort()).toEqual(["a", "b"]);
    await ends.closeAll();
    expect(closes).toHaveLength(2);
    ends.track(end(closes, "c"));
    await ends.closeAll();
    expect(closes).toContain("c");
  });
});
