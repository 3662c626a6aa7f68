import { ClosedError, PUBLISHER_WATERMARK_BYTES, type Publisher, type SendOptions } from "@rivulet/core";
import { waitFor } from "@rivulet/core/internal";
import { BrokerClient } from "./broker-client.js";
import { MQTT_CONTROL_QOS, topicsOf } from "./mqtt-connection.js";
import type { MqttOptions } from "./mqtt-options.js";
import { MqttFrameTooLargeError } from "./mqtt-errors.js";
import { MQTT_MAX_FRAME_BYTES } from "./mqtt-limits.js";
import { MqttKind, decodeHeader, encodeMessage, newEpoch } from "./wire-format.js";

/**
 * The sending side of one channel: its own MQTT connection (so that its last will, LOST, is
 * about this channel only), a retained ONLINE on the status topic, a WELCOME for each
 * subscriber that says HELLO, and DATA frames on the data topic, numbered from 0. It cannot see
 * which subscriber is behind (the broker is in between): `send` waits only while its own
 * outgoing bytes (not yet acknowledged by the broker, or queued while the broker is away) are
 * over PUBLISHER_WATERMARK_BYTES, and drops are counted by subscribers (`Subscription.drops`).
 */
export class MqttPublisher implements Publisher {
  readonly drops = 0;
  readonly #topics;
  readonly #subscribers = new Set<string>();
  readonly #waiters = new Set<() => void>();
  /** QoS 0 messages handed to mqtt.js and not written yet: lost with the connection if it drops (mqtt.js never calls back for them then). */
  readonly #volatile = new Set<{ bytes: number }>();
  #seq = 0;
  #buffered = 0;
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(
    private readonly epoch: number,
    private readonly channel: string,
    private readonly topic: string,
    private readonly settings: MqttOptions,
    private readonly broker: BrokerClient,
  ) {
    this.#topics = topicsOf(topic);
  }

  /**
   * Connects, listens for subscribers and announces the publisher (ONLINE, retained).
   * @throws MqttNotAuthorizedError; AbortError when `signal` fires first.
   */
  static async open(channel: string, topic: string, settings: MqttOptions, clientId: string, signal?: AbortSignal): Promise<MqttPublisher> {
    const epoch = newEpoch();
    const { status, presence } = topicsOf(topic);
    const will = { topic: status, payload: encodeMessage(MqttKind.LOST, epoch, 0), qos: MQTT_CONTROL_QOS, retain: true } as const;
    const broker = await BrokerClient.open({ settings, clientId, clean: settings.cleanSession, will, channels: [channel] }, signal);
    const publisher = new MqttPublisher(epoch, channel, topic, settings, broker);
    // Back after the broker went away (whose shutdown may have published the last will, LOST): up again, same epoch.
    broker.onState = (up) => {
      if (!up) publisher.#forgetVolatile();
      else if (!publisher.#closed) publisher.#publish(status, encodeMessage(MqttKind.ONLINE, epoch, 0), true, MQTT_CONTROL_QOS);
    };
    try {
      broker.client.on("message", (topic, payload) => publisher.#onPresence(topic, payload));
      await broker.hold(broker.client.subscribeAsync(presence, { qos: MQTT_CONTROL_QOS }));
      await broker.hold(broker.client.publishAsync(status, encodeMessage(MqttKind.ONLINE, epoch, 0), { qos: MQTT_CONTROL_QOS, retain: true }));
    } catch (error) {
      await broker.close(0);
      throw error;
    }
    return publisher;
  }

  get bufferedBytes(): number {
    return this.#buffered;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  send(chunks: readonly Uint8Array[], options: SendOptions = {}): Promise<void> | undefined {
    if (this.#closed) throw new ClosedError(`publisher of ${this.channel} is closed`);
    let bytes = 0;
    for (const chunk of chunks) bytes += chunk.byteLength;
    if (bytes > MQTT_MAX_FRAME_BYTES) throw new MqttFrameTooLargeError(this.channel, bytes, MQTT_MAX_FRAME_BYTES);
    this.#publish(this.topic, encodeMessage(MqttKind.DATA, this.epoch, this.#seq++, chunks), false);
    if (this.#buffered <= PUBLISHER_WATERMARK_BYTES) return undefined;
    const wait = waitFor<void>((resolve) => {
      const check = (): void => {
        if (this.#buffered <= PUBLISHER_WATERMARK_BYTES || this.#closed) resolve();
      };
      this.#waiters.add(check);
      return () => this.#waiters.delete(check);
    }, options.signal ? { signal: options.signal } : {});
    return this.broker.hold(wait);
  }

  /** Ends the channel after every frame sent (END in band, ENDED retained), then disconnects cleanly (no last will). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      this.#wake();
      const { client } = this.broker;
      this.#publish(this.topic, encodeMessage(MqttKind.END, this.epoch, this.#seq), false);
      this.#publish(this.#topics.status, encodeMessage(MqttKind.ENDED, this.epoch, this.#seq), true, MQTT_CONTROL_QOS);
      client.removeAllListeners("message");
      // The session keeps nothing for a publisher that is gone: no queued HELLOs.
      if (client.connected) client.unsubscribe(this.#topics.presence);
      await this.broker.close();
    })();
    return this.#closing;
  }

  #publish(topic: string, message: Buffer, retain: boolean, qos: 0 | 1 | 2 = this.settings.qos): void {
    const entry = { bytes: message.byteLength };
    this.#buffered += entry.bytes;
    if (qos === 0) this.#volatile.add(entry);
    // An error here is a message lost with its connection: subscribers count the gap.
    this.broker.client.publish(topic, message, { qos, retain }, () => this.#release(entry));
  }

  #release(entry: { bytes: number }): void {
    if (entry.bytes === 0) return; // Released already (forgotten with its connection, or called back twice).
    this.#volatile.delete(entry);
    this.#buffered -= entry.bytes;
    entry.bytes = 0;
    this.#wake();
  }

  /**
   * The connection dropped: QoS 0 messages still being written to it are lost, and mqtt.js waits
   * for a 'drain' of the dead socket to call them back, which never comes; without this their
   * bytes would stay in `bufferedBytes` and a send waiting on them would wait forever.
   */
  #forgetVolatile(): void {
    for (const entry of [...this.#volatile]) this.#release(entry);
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** A subscriber said HELLO (retained on its presence topic) or left (an empty retained message, by itself or by its last will). */
  #onPresence(topic: string, payload: Buffer): void {
    const token = topic.slice(topic.lastIndexOf("/") + 1);
    if (payload.byteLength === 0) {
      this.#subscribers.delete(token);
      return;
    }
    if (decodeHeader(payload)?.kind !== MqttKind.HELLO || this.#closed || this.#subscribers.has(token)) return;
    this.#subscribers.add(token);
    this.#publish(this.#topics.welcomeOf(token), encodeMessage(MqttKind.WELCOME, this.epoch, this.#seq), false, MQTT_CONTROL_QOS);
  }
}
