import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_FRAME_BYTES } from "@rivulet/core";
import { transportCompliance } from "@rivulet/transport-compliance";
import { unix } from "../src/index.js";

transportCompliance("unix", {
  setup: async () => ({ plugin: unix(), runDir: await mkdtemp(join(tmpdir(), "rvl-test-")), module: new URL("../dist/index.js", import.meta.url).href }),
  teardown: (setup) => rm(setup.runDir, { recursive: true, force: true }),
  capabilities: { flowControl: true, publisherLoss: true, knowsSubscribers: true, preludes: true, zeroCopy: false, maxFrameBytes: MAX_FRAME_BYTES },
});
