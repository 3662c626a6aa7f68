import { STDERR_TAIL_LINES } from "@rivulet/core";
import { describe, expect, it } from "vitest";
import { LiveOutput } from "../src/live-output.js";

describe("LiveOutput", () => {
  it("asks for the tail of a node whose stderr was never shown", () => {
    expect(new LiveOutput().needsTail("a")).toBe(true);
  });

  it("does not repeat stderr still on screen, and repeats it once it has scrolled away", () => {
    const live = new LiveOutput();
    live.wrote("a", "stderr");
    live.wrote("b", "stderr");
    for (let i = 0; i < STDERR_TAIL_LINES; i++) live.wrote();
    expect(live.needsTail("a")).toBe(true);
    expect(live.needsTail("b")).toBe(false);
    live.wrote("b", "stdout");
    expect(live.needsTail("b")).toBe(true);
  });
});
