import { closeSync, openSync, statSync, writeFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SHM_NAME_MAX_BYTES, SHM_SEGMENT_MAX_BYTES, ShmSegment } from "../src/index.js";
import { SHM_DIR, segmentNames } from "./segment-names.js";

const names = segmentNames("segment");
const KIB = 1024;
const MIB = 1024 * KIB;

afterEach(() => {
  expect(names.sweep(), "segments a test left behind").toEqual([]);
});
afterAll(() => {
  expect(names.inShmDir()).toEqual([]);
});

describe("ShmSegment", () => {
  it("creates, opens and unlinks a segment: two mappings share their bytes", () => {
    const name = names.fresh();
    const created = ShmSegment.create(name, 4 * KIB);
    const opened = ShmSegment.open(name);
    expect(opened.size).toBe(4 * KIB);
    expect(opened.name).toBe(name);

    created.bytes.set([1, 2, 3], 100);
    expect([...opened.bytes.subarray(100, 103)]).toEqual([1, 2, 3]);
    opened.bytes[4 * KIB - 1] = 9;
    expect(created.bytes[4 * KIB - 1]).toBe(9);

    created.unlink();
    expect(statSafe(SHM_DIR + name)).toBeUndefined();
    // Unlinking removes the name only: both mappings still work.
    opened.bytes[0] = 7;
    expect(created.bytes[0]).toBe(7);
    created.close();
    opened.close();
  });

  it("creates a zero-filled segment of the asked size, mode 0600, owned by this user", () => {
    const name = names.fresh();
    const segment = ShmSegment.create(name, 10_000);
    try {
      const stat = statSync(SHM_DIR + name);
      expect(stat.mode & 0o777).toBe(0o600);
      expect(stat.size).toBe(10_000);
      expect(stat.uid).toBe(process.getuid?.());
      expect(segment.size).toBe(10_000);
      expect(segment.bytes.every((byte) => byte === 0)).toBe(true);
    } finally {
      segment.unlink();
    }
  });

  it("refuses to create a name that exists (EEXIST) and leaves the existing segment alone", () => {
    const name = names.fresh();
    const first = ShmSegment.create(name, 64);
    try {
      first.bytes[0] = 42;
      expect(() => ShmSegment.create(name, 128)).toThrowError(
        expect.objectContaining({ name: "ShmSegmentExistsError", code: "EEXIST", syscall: "shm_open", segmentName: name }),
      );
      expect(ShmSegment.open(name).size).toBe(64);
      expect(first.bytes[0]).toBe(42);
    } finally {
      first.unlink();
    }
  });

  it("reports a missing name (ENOENT) on open and on unlink", () => {
    const name = names.fresh();
    expect(() => ShmSegment.open(name)).toThrowError(
      expect.objectContaining({ name: "ShmSegmentNotFoundError", code: "ENOENT", syscall: "shm_open", segmentName: name }),
    );
    expect(() => ShmSegment.unlink(name)).toThrowError(
      expect.objectContaining({ name: "ShmSegmentNotFoundError", code: "ENOENT", syscall: "shm_unlink", segmentName: name }),
    );
    const segment = ShmSegment.create(name, 1);
    segment.unlink();
    expect(() => segment.unlink()).toThrowError(expect.objectContaining({ name: "ShmSegmentNotFoundError" }));
  });

  it("chains the addon's error as cause, with the errno number", () => {
    const name = names.fresh();
    try {
      ShmSegment.open(name);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).cause).toMatchObject({ code: "ENOENT", errno: 2, syscall: "shm_open", segmentName: name });
    }
  });

  it("maps a file made in /dev/shm by other means, and refuses one of size 0", () => {
    const name = names.fresh();
    writeFileSync(SHM_DIR + name, Buffer.from("hello"), { mode: 0o600 });
    expect(Buffer.from(ShmSegment.open(name).bytes).toString()).toBe("hello");
    ShmSegment.unlink(name);

    const empty = names.fresh();
    closeSync(openSync(SHM_DIR + empty, "wx", 0o600));
    expect(() => ShmSegment.open(empty)).toThrowError(
      expect.objectContaining({ name: "ShmSegmentEmptyError", code: "ERR_SHM_EMPTY", segmentName: empty }),
    );
    ShmSegment.unlink(empty);
  });

  it("keeps views usable after close(), and refuses the segment's own bytes", () => {
    const name = names.fresh();
    const segment = ShmSegment.create(name, 16);
    const other = ShmSegment.open(name);
    const view = segment.bytes;
    segment.close();
    segment.close();
    expect(segment.closed).toBe(true);
    expect(() => segment.buffer).toThrowError(expect.objectContaining({ name: "ShmSegmentClosedError", segmentName: name }));
    expect(() => segment.bytes).toThrowError(expect.objectContaining({ name: "ShmSegmentClosedError" }));
    view[3] = 33;
    expect(other.bytes[3]).toBe(33);
    segment.unlink();
  });

  it("maps a 40 MB segment whole", () => {
    const name = names.fresh();
    const size = 40 * MIB;
    const segment = ShmSegment.create(name, size);
    try {
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i += 4096) data[i] = (i / 4096) & 0xff;
      data[size - 1] = 0xee;
      segment.bytes.set(data);
      const opened = ShmSegment.open(name);
      expect(opened.size).toBe(size);
      expect(statSync(SHM_DIR + name).size).toBe(size);
      expect(Buffer.compare(opened.bytes, data)).toBe(0);
    } finally {
      segment.unlink();
    }
  });

  describe("names", () => {
    const invalid: [string, string][] = [
      ["no leading slash", "rvl-x"],
      ["only a slash", "/"],
      ["a second slash", "/rvl/x"],
      ["two leading slashes", "//rvl-x"],
      ["dot", "/."],
      ["dot dot", "/.."],
      ["a NUL", "/rvl\0x"],
      ["too long", `/${"a".repeat(SHM_NAME_MAX_BYTES + 1)}`],
      ["too long in UTF-8 bytes", `/${"é".repeat(128)}`],
    ];
    it.each(invalid)("rejects %s before any system call", (_, name) => {
      for (const call of [() => ShmSegment.create(name, 1), () => ShmSegment.open(name), () => ShmSegment.unlink(name)]) {
        expect(call).toThrowError(expect.objectContaining({ name: "InvalidShmNameError", segmentName: name }));
      }
    });

    it("accepts the longest name the system does (NAME_MAX bytes after the slash)", () => {
      // Unique at the front, padded to exactly the limit.
      const base = names.fresh();
      const name = base + "x".repeat(SHM_NAME_MAX_BYTES + 1 - base.length);
      const segment = ShmSegment.create(name, 1);
      segment.unlink();
      const multibyte = base + "é".repeat((SHM_NAME_MAX_BYTES + 1 - base.length) >> 1);
      ShmSegment.create(multibyte, 1).unlink();
    });
  });

  it.each([0, -1, 1.5, Number.NaN, SHM_SEGMENT_MAX_BYTES + 1])("rejects size %s and creates nothing", (size) => {
    const name = names.fresh();
    expect(() => ShmSegment.create(name, size)).toThrowError(
      expect.objectContaining({ name: "InvalidShmSizeError", segmentName: name, size, maxBytes: SHM_SEGMENT_MAX_BYTES }),
    );
    expect(statSafe(SHM_DIR + name)).toBeUndefined();
  });
});

function statSafe(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined; // Absent: what the caller checks for.
  }
}
