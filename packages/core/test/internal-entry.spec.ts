import { describe, expect, it } from "vitest";

describe("@rivulet/core entry points", () => {
  it("the internal subpath exports every name the main entry exports, through the package's exports map", async () => {
    const main = await import("@rivulet/core");
    const internal = await import("@rivulet/core/internal");
    const missing = Object.keys(main).filter((name) => !(name in internal));
    expect(missing).toEqual([]);
  });

  it("the main entry keeps Rivulet's plumbing out of the public API", async () => {
    const main: Record<string, unknown> = await import("@rivulet/core");
    const internal: Record<string, unknown> = await import("@rivulet/core/internal");
    for (const name of ["JsonSocket", "WireFrameReader", "align8", "CONTROL_KIND", "encodeFrameHead", "decodeFrame", "readNodeConfig", "loadTransport", "BoundedQueue", "QueuedIterator", "HybridClock"]) {
      expect(internal[name], name).toBeDefined();
      expect(main[name], name).toBeUndefined();
    }
    for (const name of ["RivuletError", "SubscriberOutbox", "InvalidTransportOptionsError", "DEFAULT_QUEUE_SIZE", "ConcurrentPullError"]) {
      expect(main[name], name).toBeDefined();
    }
  });
});
