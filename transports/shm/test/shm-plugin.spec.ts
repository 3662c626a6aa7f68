import { describe, expect, it } from "vitest";
import { ShmAddonUnavailableError, ShmSubscriberLimitError, shm } from "../src/index.js";

const request = (subscribers: string[], options = {}) => ({ dataflowId: "df/1", runDir: "/tmp/rvl-plan", options, channels: [{ channel: "a/out", producer: "a", output: "out", subscribers }] });

describe("the shm plugin's planning", () => {
  it("plans a socket, a segment (registered for cleanup) and the ring per channel", () => {
    const registered: string[] = [];
    const [channel] = shm().plan({ ...request(["b", "c"], { slots: 3, slot_size: "64 KiB" }), cleanup: (path) => registered.push(path) }) as { connection: Record<string, unknown> }[];
    expect(channel!.connection).toMatchObject({ path: "/tmp/rvl-plan/s0.sock", subscribers: ["b", "c"], slots: 3, slotBytes: 65536 + 4096 });
    expect(channel!.connection.segment).toMatch(/^\/rivulet-df_1-[0-9a-f]{12}-0$/);
    expect(registered).toEqual([`/dev/shm${channel!.connection.segment as string}`]);
  });

  it("refuses more than 31 subscribers of one output, and a missing addon with the command that builds it", () => {
    const many = Array.from({ length: 32 }, (_, i) => `n${i}`);
    expect(() => shm().plan(request(many))).toThrow(ShmSubscriberLimitError);
    expect(() => shm().plan(request(many.slice(0, 31)))).not.toThrow();
    expect(() => shm({ addonPath: "/nonexistent/rivulet_shm.node" }).plan(request(["b"]))).toThrow(ShmAddonUnavailableError);
    expect(() => shm({ addonPath: "/nonexistent/rivulet_shm.node" }).plan(request(["b"]))).toThrow(/npm rebuild @rivulet\/transport-shm/);
  });

  it("validates its options: unknown keys with a suggestion, slots and slot_size ranges, sizes with units", () => {
    const { validate } = shm();
    expect(validate!({ slots: 8, slot_size: "6.3 MB" })).toEqual([]);
    expect(validate!({ slots: 8, slot_size: 1024 })).toEqual([]);
    expect(validate!({ slot_sise: 1 })).toEqual([expect.objectContaining({ path: ["slot_sise"], suggestion: "slot_size" })]);
    expect(validate!({ slots: 0 })[0]!.path).toEqual(["slots"]);
    expect(validate!({ slots: 1.5 })[0]!.path).toEqual(["slots"]);
    expect(validate!({ slot_size: "big" })[0]!.path).toEqual(["slot_size"]);
    expect(validate!({ slot_size: "10 XB" })[0]!.path).toEqual(["slot_size"]);
    expect(validate!({ slots: 1024, slot_size: "8 GiB" })[0]!.message).toMatch(/more than a segment may hold/);
  });
});
