import { existsSync, readdirSync } from "node:fs";
import { ShmSegment } from "../src/index.js";

/** Where Linux shows POSIX shared-memory segments as files. */
export const SHM_DIR = "/dev/shm";

/**
 * Unique segment names for one spec file: `/rvl-test-<pid>-<label>-<n>`. `leftovers()` lists
 * the names handed out that still exist (a test forgot to unlink); `sweep()` unlinks those and
 * returns them, so a spec can fail on a leak and still leave /dev/shm clean.
 */
export function segmentNames(label: string) {
  const prefix = `rvl-test-${process.pid}-${label}-`;
  const handedOut: string[] = [];
  let counter = 0;
  return {
    /** A name no other test in this run uses. */
    fresh(): string {
      const name = `/${prefix}${counter++}`;
      handedOut.push(name);
      return name;
    },
    /** Names handed out that still exist in /dev/shm; unlinks them. */
    sweep(): string[] {
      const left = handedOut.filter((name) => existsSync(SHM_DIR + name));
      for (const name of left) ShmSegment.unlink(name);
      handedOut.length = 0;
      return left;
    },
    /** Every file in /dev/shm with this file's prefix, whoever made it. */
    inShmDir(): string[] {
      return readdirSync(SHM_DIR).filter((entry) => entry.startsWith(prefix));
    },
  };
}
