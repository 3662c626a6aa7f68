import { createHash } from "node:crypto";
import { ClosedError, type Json, OpenEnds, type PlannedChannel, type PublishOptions, type Publisher, type SubscribeOptions, type Subscription, type Transport, type TransportInit, TransportError } from "@rivulet/core";
import { mqttConnection } from "./mqtt-connection.js";
import { type MqttOptions, mqttOptions, validateMqttOptions } from "./mqtt-options.js";
import { MqttPublisher } from "./mqtt-publisher.js";
import { MqttSubscription } from "./mqtt-subscription.js";

/** A short stable digest of a topic, so client ids of different prefixes and channels differ. */
const digest = (topic: string): string => createHash("sha256").update(topic).digest("base64url").slice(0, 12);
/** A subscriber id as a topic level and client id part. */
const tokenOf = (subscriberId: string): string => subscriberId.replace(/[^A-Za-z0-9_.-]/g, "_");

/**
 * The MQTT transport in one node process: one MQTT connection per publisher and per
 * subscription (each has its own last will and its own persistent session). Client ids are
 * stable (the `client_id` prefix, a digest of the channel's topic, the subscriber's id), so
 * that a persistent session is found again after a reconnect. The broker's URL, QoS,
 * credentials, TLS files and timings come from the transport's options
 * (`TransportInit.options`); a channel's plan gives its topic only.
 */
export class MqttTransport implements Transport {
  readonly #options: Record<string, Json>;
  readonly #ends = new OpenEnds();
  #closed = false;

  constructor(init: TransportInit) {
    this.#options = init.options ?? {};
  }

  async publish(channel: PlannedChannel, options: PublishOptions = {}): Promise<Publisher> {
    const { topic } = this.#connection(channel);
    const settings = this.#settings(channel);
    const publisher = await MqttPublisher.open(channel.channel, topic, settings, `${settings.clientId}-p-${digest(topic)}`, options.signal);
    return this.#track(publisher);
  }

  async subscribe(channel: PlannedChannel, options: SubscribeOptions): Promise<Subscription> {
    const { topic } = this.#connection(channel);
    const settings = this.#settings(channel);
    const token = tokenOf(options.subscriberId);
    const subscription = await MqttSubscription.open(channel.channel, topic, settings, `${settings.clientId}-s-${digest(topic)}-${token}`, token, options);
    return this.#track(subscription);
  }

  /** Closes every publisher (END sent) and subscription this transport opened. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#ends.closeAll();
  }

  #connection(channel: PlannedChannel): { topic: string } {
    if (this.#closed) throw new ClosedError("mqtt transport is closed");
    return mqttConnection(channel.connection, channel.channel);
  }

  /** The connection settings from the transport's options. @throws TransportError for options `plan()` would refuse. */
  #settings(channel: PlannedChannel): MqttOptions {
    const issues = validateMqttOptions(this.#options);
    if (issues.length > 0) throw new TransportError(`the mqtt transport's options are invalid: ${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, channel.channel);
    return mqttOptions(this.#options);
  }

  async #track<T extends Publisher | Subscription>(entry: T): Promise<T> {
    if (this.#closed) {
      await entry.close();
      throw new ClosedError("mqtt transport closed while connecting");
    }
    return this.#ends.track(entry);
  }
}
