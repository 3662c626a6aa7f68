import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_FRAME_BYTES, type TransportCapabilities } from "@rivulet/core";
import { transportCompliance } from "@rivulet/transport-compliance";
import { zeromq } from "../src/index.js";

const capabilities: TransportCapabilities = { flowControl: true, publisherLoss: true, knowsSubscribers: true, preludes: true, zeroCopy: false, maxFrameBytes: MAX_FRAME_BYTES };
const module = new URL("../dist/index.js", import.meta.url).href;
const runDir = (): Promise<string> => mkdtemp(join(tmpdir(), "rvl-zmq-"));
// A drop_oldest subscriber counts as stalled when no acknowledgement comes for stallMs (250 ms by
// default). ZeroMQ acknowledges whole messages: with the whole suite loading both cores, an 8 MB
// frame read by the test's own process could take longer than that, and "reads as fast as it
// can" then saw 2 drops in 20 (once, in a full run). 1 s keeps those cases about reading, not load.
const plugin = () => zeromq({ stallMs: 1_000 });

// As configured by default: one ipc:// endpoint per channel in the run folder.
transportCompliance("zeromq", {
  setup: async () => ({ plugin: plugin(), runDir: await runDir(), module }),
  teardown: (setup) => rm(setup.runDir, { recursive: true, force: true }),
  capabilities,
});

// Over TCP on the loopback interface, on ports picked free at planning.
transportCompliance("zeromq over tcp", {
  setup: async () => ({ plugin: plugin(), runDir: await runDir(), module, options: { protocol: "tcp", bind: "127.0.0.1" } }),
  teardown: (setup) => rm(setup.runDir, { recursive: true, force: true }),
  capabilities,
});
