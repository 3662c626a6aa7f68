import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlannedChannel } from "@rivulet/core";
import { type Broker, startMosquitto } from "@rivulet/test-brokers";
import { MqttFileError, MqttTlsError, mqtt } from "../src/index.js";

// README (mqtt options, mqtts://): planning checks TLS with the broker and names what to fix when it fails.

let server: Broker;
let mutual: Broker;
beforeAll(async () => {
  [server, mutual] = await Promise.all([startMosquitto({ tls: true }), startMosquitto({ tls: { clientCerts: true } })]);
}, 30_000);
afterAll(() => Promise.all([server?.close(), mutual?.close()]));

const plan = (options: Record<string, unknown>): Promise<PlannedChannel[]> =>
  Promise.resolve(mqtt().plan({ dataflowId: "df", dataflowName: "tls", runDir: "/nonexistent", options: options as Record<string, never>, channels: [{ channel: "cam/image", producer: "cam", output: "image", subscribers: ["b"] }] }));

// Each failure must come from the TLS handshake within a few seconds, not from the probe's
// time limit (which would give MqttBrokerUnreachableError "no CONNACK").
describe("mqtt over TLS", () => {
  it("plans against a TLS broker with ca_file, and with a client certificate where the broker demands one", async () => {
    await expect(plan({ url: server.url, ca_file: server.tls!.caFile })).resolves.toHaveLength(1);
    const { caFile, certFile, keyFile } = mutual.tls!;
    await expect(plan({ url: mutual.url, ca_file: caFile, cert_file: certFile!, key_file: keyFile! })).resolves.toHaveLength(1);
  });

  it("names the broker, the channel and the TLS reason when the broker's certificate is not trusted (no ca_file)", { timeout: 10_000 }, async () => {
    const error = await plan({ url: server.url }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: MqttTlsError.name, kind: "server-certificate", url: server.url, channels: ["cam/image"], channel: "cam/image", reason: "self-signed certificate in certificate chain" });
    expect((error as Error).message).toMatch(/set ca_file/);
  });

  it("says the broker wants a client certificate when none is given", { timeout: 10_000 }, async () => {
    const error = await plan({ url: mutual.url, ca_file: mutual.tls!.caFile }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: MqttTlsError.name, kind: "client-certificate", url: mutual.url, reason: "tlsv13 alert certificate required" });
    expect((error as Error).message).toMatch(/set cert_file and key_file/);
  });

  it("names a TLS file it cannot read", async () => {
    await expect(plan({ url: server.url, ca_file: "/nonexistent/ca.pem" })).rejects.toMatchObject({ name: MqttFileError.name, option: "ca_file", path: "/nonexistent/ca.pem" });
  });
});
