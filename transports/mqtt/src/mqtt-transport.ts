import { createHash } from "node:crypto";
import { ClosedError, type Json, type PlannedChannel, type PublishOptions, type Publisher, type SubscribeOptions, type Subscription, type Transport, type TransportInit } from "@rivulet/core";
import type { BrokerSettings } from "./broker-client.js";
import { type MqttConnection, mqttConnection } from "./mqtt-connection.js";
import { mqttOptions, validateMqttOptions } from "./mqtt-options.js";
import { MqttPublisher } from "./mqtt-publisher.js";
import { MqttSubscription } from "./mqtt-subscription.js";

/** A short stable digest of a topic, so client ids of different prefixes and channels differ. */
const digest = (topic: string): string => createHash("sha256").update(topic).digest("base64url").slice(0, 12);
/** A subscriber id as a topic level and client id part. */
const tokenOf = (subscriberId: string): string => subscriberId.replace(/[^A-Za-z0-9_.-]/g, "_");

/**
 * The MQTT transport in one node process: one MQTT connection per publisher and per
 * subscription (each has its own last will and its own persistent session). Client ids are
 * stable (the planned `client_id` prefix, a digest of the channel's topic, the subscriber's id),
 * so that a persistent session is found again after a reconnect. Username, password and TLS
 * files come from the transport's options (`TransportInit.options`), not from the plan.
 */
export class MqttTransport implements Transport {
  readonly #secrets: Pick<BrokerSettings, "username" | "password" | "caFile" | "certFile" | "keyFile" | "rejectUnauthorized">;
  readonly #open = new Set<{ close(): Promise<void> }>();
  #closed = false;

  constructor(init: TransportInit) {
    const options = (init.options ?? {}) as Record<string, Json>;
    // Options that do not validate were refused at planning; here only the secrets are taken.
    const resolved = validateMqttOptions(options).length === 0 ? mqttOptions(options) : mqttOptions({});
    this.#secrets = { username: resolved.username, password: resolved.password, caFile: resolved.caFile, certFile: resolved.certFile, keyFile: resolved.keyFile, rejectUnauthorized: resolved.rejectUnauthorized };
  }

  async publish(channel: PlannedChannel, options: PublishOptions = {}): Promise<Publisher> {
    const connection = this.#connection(channel);
    const publisher = await MqttPublisher.open(channel.channel, connection, this.#settings(connection), `${connection.clientId}-p-${digest(connection.topic)}`, options.signal);
    return this.#track(publisher);
  }

  async subscribe(channel: PlannedChannel, options: SubscribeOptions): Promise<Subscription> {
    const connection = this.#connection(channel);
    const token = tokenOf(options.subscriberId);
    const subscription = await MqttSubscription.open(channel.channel, connection, this.#settings(connection), `${connection.clientId}-s-${digest(connection.topic)}-${token}`, token, options);
    return this.#track(subscription);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#open].map((entry) => entry.close()));
  }

  #connection(channel: PlannedChannel): MqttConnection {
    if (this.#closed) throw new ClosedError("mqtt transport is closed");
    return mqttConnection(channel.connection);
  }

  #settings(connection: MqttConnection): BrokerSettings {
    return { url: connection.url, reconnectMinMs: connection.reconnectMinMs, reconnectMaxMs: connection.reconnectMaxMs, ...this.#secrets };
  }

  async #track<T extends { close(): Promise<void> }>(entry: T): Promise<T> {
    if (this.#closed) {
      await entry.close();
      throw new ClosedError("mqtt transport closed while connecting");
    }
    this.#open.add(entry);
    return entry;
  }
}
