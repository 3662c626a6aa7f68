import { X509Certificate } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ConnectionOptions } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { type Broker, BrokerBinaryMissingError, BrokerStartError, startMosquitto, startNats } from "../src/index.js";
import { startMosquittoWith } from "../src/mosquitto.js";
import { MqttWire } from "./mqtt-wire.js";
import { NatsWire } from "./nats-wire.js";

/** What Node says when the broker's certificate chains to a CA it does not trust. */
const UNTRUSTED = ["SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"];
/** The TLS alert of a server that wanted a client certificate and got none: mosquitto's (TLS 1.3) and nats-server's. */
const CERTIFICATE_REQUIRED = "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED";
const BAD_CERTIFICATE = "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE";

const brokers: Broker[] = [];
const wires: (MqttWire | NatsWire)[] = [];
const scratch: string[] = [];
afterEach(async () => {
  for (const wire of wires.splice(0)) wire.close();
  await Promise.all(brokers.splice(0).map((broker) => broker.close()));
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function kept(broker: Promise<Broker>): Promise<Broker> {
  brokers.push(await broker);
  return brokers.at(-1)!;
}

/** TLS options trusting the broker's CA, with its client certificate when `withCert`. */
async function trusting(broker: Broker, withCert = false): Promise<ConnectionOptions> {
  const { caFile, certFile, keyFile } = broker.tls!;
  return { ca: await readFile(caFile), ...(withCert ? { cert: await readFile(certFile!), key: await readFile(keyFile!) } : {}) };
}

async function mqttReturnCode(broker: Broker, tls?: ConnectionOptions): Promise<number> {
  const { wire, returnCode } = await MqttWire.connect(broker.port, tls ? { tls } : {});
  wires.push(wire);
  return returnCode;
}

async function natsHandshake(broker: Broker, tls?: ConnectionOptions): Promise<string> {
  const wire = await NatsWire.open(broker.port, tls ? { tls } : {});
  wires.push(wire);
  return wire.handshake();
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe("startMosquitto with tls", () => {
  it("speaks MQTT over TLS only, on a certificate for 127.0.0.1 and localhost signed by its CA", async () => {
    const broker = await kept(startMosquitto({ tls: true }));
    expect(broker.url).toBe(`mqtts://127.0.0.1:${broker.port}`);
    expect(broker.tls).toEqual({ caFile: join(broker.dir, "tls", "ca.pem") });
    const ca = new X509Certificate(await readFile(broker.tls!.caFile));
    const server = new X509Certificate(await readFile(join(broker.dir, "tls", "server.pem")));
    expect(ca.ca).toBe(true);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toBe("IP Address:127.0.0.1, DNS:localhost");

    expect(await mqttReturnCode(broker, await trusting(broker))).toBe(0);
    expect(await mqttReturnCode(broker, { ...(await trusting(broker)), servername: "localhost" })).toBe(0);
    await expect(mqttReturnCode(broker)).rejects.toThrow(/closed before the next MQTT packet/);
    await expect(mqttReturnCode(broker, {})).rejects.toSatisfy((error: NodeJS.ErrnoException) => UNTRUSTED.includes(error.code ?? ""));
  });

  it("with clientCerts, refuses a client without a certificate and accepts the one it made", async () => {
    const broker = await kept(startMosquitto({ tls: { clientCerts: true } }));
    expect(broker.tls).toEqual({ caFile: join(broker.dir, "tls", "ca.pem"), certFile: join(broker.dir, "tls", "client.pem"), keyFile: join(broker.dir, "tls", "client.key") });
    await expect(mqttReturnCode(broker, await trusting(broker))).rejects.toMatchObject({ cause: { code: CERTIFICATE_REQUIRED } });
    expect(await mqttReturnCode(broker, await trusting(broker, true))).toBe(0);
  });

  it("keeps its certificates across a restart, and close removes them", async () => {
    const broker = await startMosquitto({ tls: { clientCerts: true } });
    brokers.push(broker);
    const before = await readFile(broker.tls!.caFile, "utf8");
    const client = await trusting(broker, true);
    await broker.restart();
    expect(await readFile(broker.tls!.caFile, "utf8")).toBe(before);
    expect(await mqttReturnCode(broker, client)).toBe(0);
    await broker.close();
    expect(await exists(dirname(broker.tls!.caFile))).toBe(false);
  });
});

describe("startNats with tls", () => {
  it("requires TLS after its INFO, on a certificate its CA signed", async () => {
    const broker = await kept(startNats({ tls: true, jetstream: false }));
    expect(broker.url).toBe(`tls://127.0.0.1:${broker.port}`);
    expect(broker.tls).toEqual({ caFile: join(broker.dir, "tls", "ca.pem") });
    expect(await natsHandshake(broker, await trusting(broker))).toBe("PONG");
    const plain = await NatsWire.open(broker.port);
    wires.push(plain);
    expect(plain.info["tls_required"]).toBe(true);
    expect(plain.info["tls_verify"]).toBeFalsy();
    await expect(natsHandshake(broker, {})).rejects.toSatisfy((error: NodeJS.ErrnoException) => UNTRUSTED.includes(error.code ?? ""));
  });

  it("with clientCerts, refuses a client without a certificate and accepts the one it made (also after a restart)", async () => {
    const broker = await kept(startNats({ tls: { clientCerts: true }, jetstream: false }));
    const plain = await NatsWire.open(broker.port);
    wires.push(plain);
    expect(plain.info).toMatchObject({ tls_required: true, tls_verify: true });
    await expect(natsHandshake(broker, await trusting(broker))).rejects.toMatchObject({ cause: { code: BAD_CERTIFICATE } });
    expect(await natsHandshake(broker, await trusting(broker, true))).toBe("PONG");
    await broker.restart();
    expect(await natsHandshake(broker, await trusting(broker, true))).toBe("PONG");
  });
});

describe("tls without a working openssl", () => {
  it("rejects a missing openssl with an error naming the apt package", async () => {
    const error = await startMosquittoWith({ tls: true }, { openssl: "/nonexistent/openssl" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: BrokerBinaryMissingError.name, binary: "/nonexistent/openssl", aptPackage: "openssl" });
    expect((error as Error).message).toContain("apt-get install -y openssl");
  });

  it("rejects a failing openssl with its output, and removes the broker's folder", async () => {
    const bin = await mkdtemp(join(tmpdir(), "rvl-fake-openssl-"));
    scratch.push(bin);
    const openssl = join(bin, "openssl");
    await writeFile(openssl, `#!/bin/sh\npwd > ${JSON.stringify(join(bin, "cwd"))}\necho "no entropy today" >&2\nexit 1\n`);
    await chmod(openssl, 0o755);
    const error = await startMosquittoWith({ tls: true }, { openssl }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: BrokerStartError.name, broker: "mosquitto", output: ["no entropy today"] });
    expect((error as Error).message).toMatch(/openssl could not make the TLS files \('openssl genpkey/);
    const ran = (await readFile(join(bin, "cwd"), "utf8")).trim();
    expect(ran).toMatch(/\/rvl-mosquitto-[^/]+\/tls$/);
    expect(await exists(dirname(ran))).toBe(false);
  });
});
