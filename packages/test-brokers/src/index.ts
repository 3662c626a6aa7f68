/**
 * @rivulet/test-brokers (private) — real `mosquitto`, `nats-server` and PostgreSQL processes for tests, on
 * free ports of 127.0.0.1, each in a temporary folder, restartable on the same port, optionally
 * with authentication. Never a mock broker.
 *
 * ```ts
 * import { afterEach, it } from "vitest";
 * import { type Broker, startMosquitto, startNats } from "@rivulet/test-brokers";
 *
 * const brokers: Broker[] = [];
 * afterEach(() => Promise.all(brokers.splice(0).map((b) => b.close())));
 *
 * it("survives a broker restart", async () => {
 *   const mqtt = await startMosquitto({ auth: { username: "u", password: "p" } });
 *   const nats = await startNats({ auth: { token: "t" } }); // JetStream on
 *   brokers.push(mqtt, nats);
 *   // connect clients to mqtt.url ("mqtt://127.0.0.1:<port>") and nats.url, then:
 *   await mqtt.restart(); // same port, same persistent store
 * });
 * ```
 */
export { type Broker, type BrokerInit, type BrokerStartOptions, type BrokerStopOptions, DEFAULT_BROKER_START_TIMEOUT_MS, DEFAULT_BROKER_STOP_GRACE_MS } from "./broker.js";
export { BrokerBinaryMissingError, BrokerClosedError, BrokerStartError } from "./broker-errors.js";
export { freePort } from "./free-port.js";
export { type BrokerTlsFiles, type BrokerTlsInit } from "./tls-files.js";
export { type MosquittoInit, type MqttCredentials, startMosquitto } from "./mosquitto.js";
export { type NatsAuth, type NatsInit, startNats } from "./nats.js";
export { type PostgresInit, type PostgresServer, startPostgres } from "./postgres.js";
