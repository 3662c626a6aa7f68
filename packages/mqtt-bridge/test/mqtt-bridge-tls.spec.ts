import { readFileSync } from "node:fs";
import { type Broker, startMosquitto } from "@rivulet/test-brokers";
import { runNode } from "@rivulet/node/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeConfig, MqttBridge } from "../src/index.js";
import { device, logs, runBridge, uniqueTopic, until } from "./bridge-harness.js";

// docs/mqtt-bridge.md: mqtts:// with ca_file, and a client certificate (cert_file, key_file).

let server: Broker;
let mutual: Broker;
beforeAll(async () => {
  [server, mutual] = await Promise.all([startMosquitto({ tls: true }), startMosquitto({ tls: { clientCerts: true } })]);
}, 30_000);
afterAll(() => Promise.all([server?.close(), mutual?.close()]));

describe("the bridge over TLS", () => {
  for (const [name, broker] of [["a server certificate (ca_file)", () => server], ["a client certificate too (cert_file, key_file)", () => mutual]] as const) {
    it(`bridges a device's reading in over mqtts:// with ${name}`, async () => {
      const tls = broker().tls!;
      const files = { ca_file: tls.caFile, ...(tls.certFile ? { cert_file: tls.certFile, key_file: tls.keyFile! } : {}) };
      const topic = uniqueTopic("tls");
      const sensor = await device(broker().url, { ca: readFileSync(tls.caFile), ...(tls.certFile ? { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile!) } : {}) });
      try {
        const run = await runBridge({
          settings: { url: broker().url, ...files, subscribe: [{ topic: `${topic}/+`, output: "readings", captures: ["device"] }] },
          outputs: ["readings"],
          whileRunning: async (_bridge, node) => {
            await sensor.publishAsync(`${topic}/d1`, JSON.stringify({ celsius: 20.5 }), { qos: 1 });
            await until(() => expect(node.stats().outputs.readings?.sent).toBe(1));
          },
        });
        expect(run.outputs.map((message) => [message.rows, message.metadata.parameters.device])).toEqual([[[{ celsius: 20.5 }], "d1"]]);
        expect(logs(run).some((line) => line.message.includes(`connected to ${broker().url}`))).toBe(true);
      } finally {
        await sensor.endAsync(true);
      }
    });
  }

  it("a broker whose certificate no given CA signed: MqttTlsError at once, not endless retries", async () => {
    await runNode(async (node) => {
      const bridge = new MqttBridge(node, bridgeConfig({ url: server.url, reconnect_min_ms: 50, reconnect_max_ms: 100, subscribe: [{ topic: "x/+", output: "o" }] }));
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 3_000);
      try {
        await expect(bridge.start({ signal: controller.signal })).rejects.toMatchObject({ name: "MqttTlsError" });
      } finally {
        clearTimeout(timer);
      }
    }, { outputs: ["o"] });
  });
});
