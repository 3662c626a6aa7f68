import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ShmSegment } from "../src/index.js";
import { segmentNames } from "./segment-names.js";

// The child maps segments through the built package (dist/), as a node process would.
const CHILD = fileURLToPath(new URL("./fixtures/shm-child.mjs", import.meta.url));
const names = segmentNames("xproc");
const MIB = 1024 * 1024;

afterEach(() => {
  expect(names.sweep(), "segments a test left behind").toEqual([]);
});
afterAll(() => {
  expect(names.inShmDir()).toEqual([]);
});

/** Runs the child fixture to its end; resolves with its exit code and stderr. */
function child(...args: (string | number)[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, [CHILD, ...args.map(String)], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    process_.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    process_.on("error", reject);
    process_.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("ShmSegment across processes", () => {
  it("shows the parent what another process wrote into the segment", async () => {
    const name = names.fresh();
    const segment = ShmSegment.create(name, MIB);
    try {
      expect(await child("fill", name, 1000, 4096, 0xab)).toEqual({ code: 0, stderr: "" });
      const bytes = segment.bytes;
      expect(bytes.subarray(1000, 1000 + 4096).every((byte) => byte === 0xab)).toBe(true);
      expect(bytes[999]).toBe(0);
      expect(bytes[1000 + 4096]).toBe(0);
    } finally {
      segment.unlink();
    }
  });

  it("shares a 40 MB segment: a child's writes across all of it reach the parent", async () => {
    const name = names.fresh();
    const size = 40 * MIB;
    const segment = ShmSegment.create(name, size);
    try {
      expect(await child("fill", name, 0, size, 0x5a)).toEqual({ code: 0, stderr: "" });
      const bytes = segment.bytes;
      expect(bytes.every((byte) => byte === 0x5a)).toBe(true);
    } finally {
      segment.unlink();
    }
  });

  it("keeps Atomics coherent: two processes adding 100k each to one Int32 cell make exactly 200k", async () => {
    const name = names.fresh();
    const iterations = 100_000;
    const segment = ShmSegment.create(name, 64);
    try {
      const results = await Promise.all([child("add", name, iterations), child("add", name, iterations)]);
      expect(results).toEqual([
        { code: 0, stderr: "" },
        { code: 0, stderr: "" },
      ]);
      const cells = new Int32Array(segment.buffer);
      expect(Atomics.load(cells, 0)).toBe(2); // both passed the start barrier
      expect(Atomics.load(cells, 2)).toBe(2 * iterations);
    } finally {
      segment.unlink();
    }
  });
});
