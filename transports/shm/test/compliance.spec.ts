import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_FRAME_BYTES, type TransportCapabilities } from "@rivulet/core";
import { transportCompliance } from "@rivulet/transport-compliance";
import { shm } from "../src/index.js";

const capabilities: TransportCapabilities = { flowControl: true, publisherLoss: true, knowsSubscribers: true, preludes: true, zeroCopy: true, maxFrameBytes: MAX_FRAME_BYTES };
const module = new URL("../dist/index.js", import.meta.url).href;
const runDir = (): Promise<string> => mkdtemp(join(tmpdir(), "rvl-shm-"));

// A drop_oldest subscriber counts as stalled when a send has waited stallMs for it (250 ms by
// default); the burst cases' 8 MB frames are read by the test's own process, which under a
// full-suite load on 2 cores outlasted that once (6 drops in "reads as fast as it can"). 1 s keeps
// the cases about policy, not about the machine's load.
const stallMs = 1_000;

// As configured by default: frames under the inline threshold (the 8-byte frames of most
// cases) go over the socket; large ones (the lending cases, the round trip's) through slots.
transportCompliance("shm", {
  setup: async () => ({ plugin: shm({ stallMs }), runDir: await runDir(), module, options: { slots: 4, slot_size: "1 MiB" } }),
  teardown: (setup) => rm(setup.runDir, { recursive: true, force: true }),
  capabilities,
});

// Every frame that fits in a slot, however small, goes through the ring of 4: the queue policy,
// credit, prelude and lifecycle cases then run on slot references, with slots reused all the time.
transportCompliance("shm, every frame in a slot", {
  setup: async () => ({ plugin: shm({ inlineBelowBytes: 0, stallMs }), runDir: await runDir(), module, options: { slots: 4, slot_size: "1 MiB" } }),
  teardown: (setup) => rm(setup.runDir, { recursive: true, force: true }),
  capabilities,
});
