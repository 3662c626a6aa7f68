import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrameHead } from "../src/frame-codec.js";

/** The hex block after `<!-- frame-example -->` in docs/protocol.md, as bytes. */
function documentedFrame(): Uint8Array {
  const doc = readFileSync(new URL("../../../docs/protocol.md", import.meta.url), "utf8");
  const block = /<!-- frame-example -->\s*```\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error("docs/protocol.md has no frame example block");
  const bytes = block[1]!
    .trim()
    .split("\n")
    .flatMap((line) => line.trim().split(/\s+/).slice(1))
    .map((hex) => Number.parseInt(hex, 16));
  return Uint8Array.from(bytes);
}

describe("docs/protocol.md §6, the worked example", () => {
  it("decodes to the values the document states", () => {
    const decoded = decodeFrame(documentedFrame());
    expect(decoded).toMatchObject({ encoding: 0, fin: true, channelId: 3, seq: 1, timestamp: 1_700_000_000_000_000, requestId: 42n, parameters: { k: 1 } });
    expect(decoded.flush).toBeUndefined();
    expect([...decoded.payload]).toEqual([1, 2, 3]);
  });

  it("is exactly what encodeFrameHead writes for those values", () => {
    const head = encodeFrameHead({ encoding: 0, fin: true, channelId: 3, seq: 1, timestamp: 1_700_000_000_000_000, requestId: 42n, parameters: { k: 1 } });
    expect([...head, 1, 2, 3]).toEqual([...documentedFrame()]);
  });
});
