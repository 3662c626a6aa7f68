import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlannedChannel } from "@rivulet/core";
import { type Broker, startNats } from "@rivulet/test-brokers";
import { NatsFileError, NatsTlsError, nats } from "../src/index.js";

// README (nats options, tls): plan() checks TLS with the server and names what to fix when it fails.

let server: Broker;
let mutual: Broker;
let cleartext: Broker;
beforeAll(async () => {
  [server, mutual, cleartext] = await Promise.all([startNats({ jetstream: false, tls: true }), startNats({ jetstream: false, tls: { clientCerts: true } }), startNats({ jetstream: false })]);
}, 30_000);
afterAll(() => Promise.all([server?.close(), mutual?.close(), cleartext?.close()]));

/** Plans one channel with a plan timeout far beyond the test's: a TLS failure must be reported at once, not as a timeout. */
const plan = (options: Record<string, unknown>): Promise<PlannedChannel[]> =>
  Promise.resolve(nats({ planTimeoutMs: 60_000 }).plan({ dataflowId: "df", runDir: "/nonexistent", options: options as Record<string, never>, channels: [{ channel: "cam/image", producer: "cam", output: "image", subscribers: ["b"] }] }));

describe("nats over TLS", () => {
  it("plans against a TLS server with tls.ca_file, and with a client certificate where the server demands one", async () => {
    await expect(plan({ servers: server.url, tls: { ca_file: server.tls!.caFile } })).resolves.toHaveLength(1);
    const { caFile, certFile, keyFile } = mutual.tls!;
    await expect(plan({ servers: mutual.url, tls: { ca_file: caFile, cert_file: certFile!, key_file: keyFile! } })).resolves.toHaveLength(1);
  });

  it("names the server, the channel and the TLS reason when the server's certificate is not trusted (no ca_file)", { timeout: 10_000 }, async () => {
    const error = await plan({ servers: server.url }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: NatsTlsError.name, kind: "server-certificate", servers: [server.url], channels: ["cam/image"], channel: "cam/image", reason: "unable to verify the first certificate" });
    expect((error as Error).message).toMatch(/set tls\.ca_file/);
  });

  it("says the server wants a client certificate when none is given", { timeout: 10_000 }, async () => {
    const error = await plan({ servers: mutual.url, tls: { ca_file: mutual.tls!.caFile } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: NatsTlsError.name, kind: "client-certificate", servers: [mutual.url], reason: "sslv3 alert bad certificate" });
    expect((error as Error).message).toMatch(/set tls\.cert_file and tls\.key_file/);
  });

  it("refuses to talk in the clear to a server without TLS when the URL says tls://", { timeout: 10_000 }, async () => {
    const url = `tls://127.0.0.1:${cleartext.port}`;
    await expect(plan({ servers: url })).rejects.toMatchObject({ name: NatsTlsError.name, kind: "handshake", servers: [url], reason: "the server does not offer TLS" });
    await expect(plan({ servers: cleartext.url, tls: {} })).rejects.toMatchObject({ name: NatsTlsError.name, kind: "handshake" });
  });

  it("names a TLS file it cannot read", async () => {
    await expect(plan({ servers: server.url, tls: { ca_file: "/nonexistent/ca.pem" } })).rejects.toMatchObject({ name: NatsFileError.name, option: "tls.ca_file", path: "/nonexistent/ca.pem" });
  });
});
