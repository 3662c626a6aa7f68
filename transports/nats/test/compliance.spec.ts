import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { MAX_FRAME_BYTES, type TransportCapabilities } from "@rivulet/core";
import { type Broker, startNats } from "@rivulet/test-brokers";
import { transportCompliance } from "@rivulet/transport-compliance";
import { nats } from "../src/index.js";

const capabilities: TransportCapabilities = { flowControl: false, publisherLoss: true, knowsSubscribers: false, preludes: false, zeroCopy: false, maxFrameBytes: MAX_FRAME_BYTES };
const module = new URL("../dist/index.js", import.meta.url).href;
const TOKEN = "compliance-token";
// Room for a few 40 MB frames queued at the server for a subscriber that reads them in the
// same process as their publisher (nats-server's default closes a client past 64 MB pending).
const extraConfig = ["max_pending: 512MB"];

let plain: Broker;
let authed: Broker;
/** Mutual TLS: the server requires a client certificate signed by its throwaway CA. */
let secured: Broker;
let withJetStream: Broker;
beforeAll(async () => {
  [plain, authed, secured, withJetStream] = await Promise.all([
    startNats({ jetstream: false, extraConfig }),
    startNats({ jetstream: false, extraConfig, auth: { token: TOKEN } }),
    startNats({ jetstream: false, extraConfig, tls: { clientCerts: true } }),
    startNats({ jetstream: true, extraConfig }),
  ]);
}, 30_000);
afterAll(() => Promise.all([plain?.close(), authed?.close(), secured?.close(), withJetStream?.close()]));

const runDir = (): Promise<string> => mkdtemp(join(tmpdir(), "rvl-nats-"));
// Each test gets its own subject prefix, so a late frame of one test never reaches the next.
let run = 0;

transportCompliance("nats", {
  setup: async () => ({ plugin: nats(), runDir: await runDir(), module, options: { servers: plain.url, prefix: `c.plain${run++}`, reconnect_wait_ms: 50 } }),
  teardown: (setup) => rm(setup.runDir, { recursive: true, force: true }),
  capabilities,
  restartBroker: () => plain.restart(),
});

transportCompliance("nats, token auth", {
  setup: async () => ({ plugin: nats(), runDir: await runDir(), module, options: { servers: authed.url, token: TOKEN, prefix: `c.token${run++}`, reconnect_wait_ms: 50 } }),
  teardown: (setup) => rm(setup.runDir, { recursive: true, force: true }),
  capabilities,
  restartBroker: () => authed.restart(),
});

transportCompliance("nats, mutual TLS", {
  setup: async () => {
    const { caFile, certFile, keyFile } = secured.tls!;
    const options = { servers: secured.url, tls: { ca_file: caFile, cert_file: certFile!, key_file: keyFile! }, prefix: `c.tls${run++}`, reconnect_wait_ms: 50 };
    return { plugin: nats(), runDir: await runDir(), module, options };
  },
  teardown: (setup) => rm(setup.runDir, { recursive: true, force: true }),
  capabilities,
  restartBroker: () => secured.restart(),
});

// JetStream mode claims the same capabilities: still no flow control (the publisher waits for
// the server's storage, never for a subscriber), a lost publisher is still seen by heartbeats.
transportCompliance("nats, jetstream", {
  setup: async () => ({ plugin: nats(), runDir: await runDir(), module, options: { servers: withJetStream.url, prefix: `c.js${run++}`, reconnect_wait_ms: 50, jetstream: true } }),
  teardown: (setup) => rm(setup.runDir, { recursive: true, force: true }),
  capabilities,
  restartBroker: () => withJetStream.restart(),
});
