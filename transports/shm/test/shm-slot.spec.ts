import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { SLOT_ALIGN_BYTES, ShmSegment, holderWord, viewSlot, releaseHolder } from "../src/index.js";
import { segmentNames } from "./segment-names.js";

const CHILD = fileURLToPath(new URL("./fixtures/shm-child.mjs", import.meta.url));
const names = segmentNames("slot");

afterEach(() => {
  expect(names.sweep(), "segments a test left behind").toEqual([]);
});

/** Runs a command of the child with --expose-gc; returns what it printed, parsed. */
function runChild<T>(command: string, ...args: (string | number)[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", CHILD, command, ...args.map(String)], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(stdout) as T) : reject(new Error(`child exited ${code}`))));
  });
}

/** Runs the child's `slot` command; returns the holder word before and after. */
function collectSlot(...args: (string | number)[]): Promise<{ before: string; after: string }> {
  return runChild("slot", ...args);
}

describe("slot views (one per received frame)", () => {
  it("share their bytes with the segment, and clear the subscriber's bit when the last view is collected", async () => {
    const name = names.fresh();
    const segment = ShmSegment.create(name, 3 * SLOT_ALIGN_BYTES);
    try {
      const words = new BigUint64Array(segment.buffer);
      const at = SLOT_ALIGN_BYTES / 8;
      Atomics.store(words, at, holderWord(7, 0b11));
      const result = await collectSlot(name, SLOT_ALIGN_BYTES, SLOT_ALIGN_BYTES, 7, 0b01);
      expect(result.before).toBe(String(holderWord(7, 0b11)));
      expect(result.after).toBe(String(holderWord(7, 0b10)));
      expect(segment.bytes[SLOT_ALIGN_BYTES + 8]).toBe(0x5a); // written through the slot's own mapping
    } finally {
      segment.unlink();
    }
  });

  it("leave a slot that was reused since (another generation) alone", async () => {
    const name = names.fresh();
    const segment = ShmSegment.create(name, 2 * SLOT_ALIGN_BYTES);
    try {
      const words = new BigUint64Array(segment.buffer);
      Atomics.store(words, SLOT_ALIGN_BYTES / 8, holderWord(8, 0b11));
      const result = await collectSlot(name, SLOT_ALIGN_BYTES, SLOT_ALIGN_BYTES, 7, 0b01);
      expect(result.after).toBe(String(holderWord(8, 0b11)));
    } finally {
      segment.unlink();
    }
  });

  it("refuse a slot off an 8-byte boundary, shorter than its holder word or outside the segment, and a buffer the addon did not map", () => {
    const name = names.fresh();
    const segment = ShmSegment.create(name, 2 * SLOT_ALIGN_BYTES);
    try {
      const buffer = segment.buffer;
      expect(() => viewSlot(buffer, 100, 64, 1, 1)).toThrow(RangeError);
      expect(() => viewSlot(buffer, 0, 4, 1, 1)).toThrow(RangeError);
      expect(() => viewSlot(buffer, SLOT_ALIGN_BYTES, SLOT_ALIGN_BYTES + 8, 1, 1)).toThrow(RangeError);
      expect(() => viewSlot(buffer, 0, 64, 2 ** 32, 1)).toThrow(RangeError);
      expect(() => viewSlot(new ArrayBuffer(64), 0, 64, 1, 1)).toThrow(TypeError);
      expect(new Uint8Array(viewSlot(buffer, SLOT_ALIGN_BYTES, 64, 1, 1)).byteLength).toBe(64);
    } finally {
      segment.unlink();
    }
  });

  it("keep the segment mapped while a view is alive, after the segment itself was dropped", () => {
    const name = names.fresh();
    const segment = ShmSegment.create(name, 2 * SLOT_ALIGN_BYTES);
    try {
      const view = new Uint8Array(viewSlot(segment.buffer, SLOT_ALIGN_BYTES, 64, 1, 1));
      segment.close();
      view[10] = 9;
      expect(ShmSegment.open(name).bytes[SLOT_ALIGN_BYTES + 10]).toBe(9);
    } finally {
      segment.unlink();
    }
  });
});

describe("slot views and garbage collection (SlotFrames)", () => {
  const slotBytes = 8 * 1024 * 1024;
  async function frames(release: boolean): Promise<{ major: number; leased: number; sum: number }> {
    const name = names.fresh();
    const segment = ShmSegment.create(name, 4 * slotBytes);
    try {
      for (let slot = 0; slot < 4; slot++) segment.bytes[(slot + 1) * slotBytes - 1] = 1;
      return await runChild("frames", name, slotBytes, 512, release ? 1 : 0);
    } finally {
      segment.unlink();
    }
  }

  it("views of frames being released are not counted as memory to collect: 512 frames of 8 MiB, (almost) no major collection", async () => {
    const result = await frames(true);
    expect(result.leased).toBe(512);
    expect(result.sum).toBe(512); // each frame read in place
    // Counted as allocated memory, 512 x 8 MiB make V8 run ~30 major collections (one every ~8
    // frames); a few may still come from the process's own allocations.
    expect(result.major).toBeLessThanOrEqual(5);
  });

  it("views of frames dropped unreleased still give their slots back, through collections", async () => {
    const result = await frames(false);
    // Without collections the 4 slots stay held after the first 4 frames and the rest go inline;
    // the inline copies and the views (counted once they hold half the ring) make V8 collect,
    // minor or major collections alike, which gives the slots back.
    expect(result.leased).toBeGreaterThan(20);
    expect(result.sum).toBe(result.leased);
  });
});

describe("releaseHolder", () => {
  it("clears a subscriber's bit at the slot's generation only, once", () => {
    const words = new BigUint64Array(2);
    words[1] = holderWord(3, 0b101);
    expect(releaseHolder(words, 1, 3, 0b001)).toBe(true);
    expect(words[1]).toBe(holderWord(3, 0b100));
    expect(releaseHolder(words, 1, 3, 0b001)).toBe(false);
    expect(releaseHolder(words, 1, 4, 0b100)).toBe(false);
    expect(words[1]).toBe(holderWord(3, 0b100));
    expect(releaseHolder(words, 1, 3, 0b100)).toBe(true);
    expect(words[1]).toBe(holderWord(3, 0));
    expect(holderWord(0xffffffff, 0xffffffff)).toBe(2n ** 64n - 1n);
  });
});
