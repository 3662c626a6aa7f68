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

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the child fixture to its end (`nodeArgs` go to node itself). */
function run(nodeArgs: string[], ...args: (string | number)[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, [...nodeArgs, CHILD, ...args.map(String)], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    process_.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    process_.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    process_.on("error", reject);
    process_.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const child = (...args: (string | number)[]) => run([], ...args);
const SUCCESS = { code: 0, stdout: "", stderr: "" };

describe("ShmSegment across processes", () => {
  it("shows the parent what another process wrote into the segment", async () => {
    const name = names.fresh();
    const segment = ShmSegment.create(name, MIB);
    try {
      expect(await child("fill", name, 1000, 4096, 0xab)).toEqual(SUCCESS);
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
      expect(await child("fill", name, 0, size, 0x5a)).toEqual(SUCCESS);
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
      expect(results).toEqual([SUCCESS, SUCCESS]);
      const cells = new Int32Array(segment.buffer);
      expect(Atomics.load(cells, 0)).toBe(2); // both passed the start barrier
      expect(Atomics.load(cells, 2)).toBe(2 * iterations);
    } finally {
      segment.unlink();
    }
  });

  it("unmaps a segment once no view is left: close() alone keeps a kept view's mapping", async () => {
    const name = names.fresh();
    const segment = ShmSegment.create(name, 4096);
    try {
      const result = await run(["--expose-gc"], "gc", name);
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(JSON.parse(result.stdout)).toEqual({ mappedAfterClose: true, mappedAfterDrop: false });
      expect(segment.bytes[0]).toBe(1); // the child's write through its kept view
    } finally {
      segment.unlink();
    }
  });
});
