import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { TransportCapabilities } from "@rivulet/core";
import { type Broker, startMosquitto } from "@rivulet/test-brokers";
import { transportCompliance } from "@rivulet/transport-compliance";
import { MQTT_MAX_FRAME_BYTES, mqtt } from "../src/index.js";

const capabilities: TransportCapabilities = { flowControl: false, publisherLoss: true, knowsSubscribers: false, preludes: false, zeroCopy: false, maxFrameBytes: MQTT_MAX_FRAME_BYTES };
const module = new URL("../dist/index.js", import.meta.url).href;
const credentials = { username: "rivulet", password: "s3cret-compliance" };

/**
 * mosquitto by default queues at most 1000 QoS 1 messages per subscriber beyond the 20 in flight
 * and drops the rest; the suite's bursts (100,000 frames sent as fast as the publisher goes) need
 * more, as the README says for such deployments. Drops the broker makes still show as gaps.
 */
const broker = { extraConfig: ["max_queued_messages 200000"] };

let plain: Broker;
let secured: Broker;
/** mqtts:// on a certificate of a throwaway CA, which the clients trust through ca_file. */
let tls: Broker;
beforeAll(async () => {
  [plain, secured, tls] = await Promise.all([startMosquitto(broker), startMosquitto({ ...broker, auth: credentials }), startMosquitto({ ...broker, tls: true })]);
}, 60_000);
afterAll(async () => {
  await Promise.all([plain?.close(), secured?.close(), tls?.close()]);
});

let tests = 0;
/** A topic prefix of its own per test, so that retained status messages of one test never meet the next. */
const prefix = (): string => `compliance/${process.pid}/${++tests}`;

transportCompliance("mqtt", {
  setup: async () => {
    const options = { url: plain.url, prefix: prefix(), reconnect_min_ms: 50, reconnect_max_ms: 500 };
    return { plugin: mqtt(), runDir: await mkdtemp(join(tmpdir(), "rvl-mqtt-")), module, options };
  },
  teardown: (setup) => rm(setup.runDir, { recursive: true, force: true }),
  capabilities,
  restartBroker: () => plain.restart(),
});

transportCompliance("mqtt with username and password", {
  setup: async () => {
    const options = { url: secured.url, prefix: prefix(), reconnect_min_ms: 50, reconnect_max_ms: 500, ...credentials };
    return { plugin: mqtt(), runDir: await mkdtemp(join(tmpdir(), "rvl-mqtt-")), module, options };
  },
  teardown: (setup) => rm(setup.runDir, { recursive: true, force: true }),
  capabilities,
  restartBroker: () => secured.restart(),
});

transportCompliance("mqtt over TLS", {
  setup: async () => {
    const options = { url: tls.url, ca_file: tls.tls!.caFile, prefix: prefix(), reconnect_min_ms: 50, reconnect_max_ms: 500 };
    return { plugin: mqtt(), runDir: await mkdtemp(join(tmpdir(), "rvl-mqtt-")), module, options };
  },
  teardown: (setup) => rm(setup.runDir, { recursive: true, force: true }),
  capabilities,
  restartBroker: () => tls.restart(),
});
