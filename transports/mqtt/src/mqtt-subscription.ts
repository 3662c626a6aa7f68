import { ChannelLostError, type ChannelStatus, DEFAULT_QUEUE_SIZE, SequencedInbox, type SubscribeOptions, type Subscription, TransportConnectError } from "@rivulet/core";
import { waitFor } from "@rivulet/core/internal";
import { BrokerClient, MQTT_CONNECT_TIMEOUT_MS } from "./broker-client.js";
import { MQTT_CONTROL_QOS, topicsOf } from "./mqtt-connection.js";
import type { MqttOptions } from "./mqtt-options.js";
import { MQTT_HEADER_BYTES, MqttKind, decodeHeader, encodeMessage } from "./wire-format.js";

/** How long a LOST waits to see whether the broker itself is going away (see `#lost`). */
const LOST_SETTLE_MS = 1_000;

/**
 * The receiving side of one channel, on its own MQTT connection: subscribes to the data, status
 * and welcome topics, says HELLO (retained, removed by its last will if it dies) and waits for
 * the publisher's WELCOME, which names the publisher's epoch and the first frame it gets. Then
 * it takes DATA of that epoch in order (SequencedInbox): a sequence number already seen is a
 * QoS 1 redelivery (skipped), one beyond the next expected is a gap (counted in `drops`). It
 * keeps reading while paused (the broker would otherwise queue, then drop, for it) and holds
 * what arrives: the first HELD_PREFIX_BYTES, then the newest `queueSize`, counting the frames it
 * drops (drop_oldest on the subscriber side). END or a retained
 * ENDED end it cleanly; LOST (the publisher's last will), or an ONLINE of another epoch, end it
 * with a ChannelLostError.
 */
export class MqttSubscription implements Subscription {
  readonly closed: Promise<Error | undefined>;
  #settle!: (error: Error | undefined) => void;
  readonly #inbox: SequencedInbox;
  #epoch: number | undefined;
  /** The channel's end is known (or this subscriber closed): later messages are ignored. */
  #ended = false;
  #welcomed: (() => void) | undefined;
  /** This subscriber's own connection went down since it was welcomed (the broker restarted, say). */
  #bounced = false;
  /** An ONLINE of the followed epoch came after that: the publisher survived the broker's restart. */
  #backOnline = false;
  #lostTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  readonly #topics;

  private constructor(
    private readonly channel: string,
    private readonly topic: string,
    private readonly settings: MqttOptions,
    private readonly broker: BrokerClient,
    private readonly token: string,
    private readonly options: SubscribeOptions,
  ) {
    this.closed = new Promise((resolve) => (this.#settle = resolve));
    this.#topics = topicsOf(topic);
    this.#inbox = new SequencedInbox(options.queueSize ?? DEFAULT_QUEUE_SIZE, (frame) => options.onFrame(frame), (error) => this.#report(error));
  }

  /**
   * Connects, subscribes (SUBACK), says HELLO and resolves at the publisher's WELCOME: frames
   * it sends after that arrive. Waits for a publisher that starts later.
   * @throws AbortError when `options.signal` fires first; MqttNotAuthorizedError; TransportConnectError (`refused`) when the broker refuses a topic.
   */
  static async open(channel: string, topic: string, settings: MqttOptions, clientId: string, token: string, options: SubscribeOptions): Promise<MqttSubscription> {
    const topics = topicsOf(topic);
    const will = { topic: topics.presenceOf(token), payload: Buffer.alloc(0), qos: MQTT_CONTROL_QOS, retain: true } as const;
    const broker = await BrokerClient.open({ settings, clientId, clean: settings.cleanSession, will, channels: [channel] }, options.signal);
    const subscription = new MqttSubscription(channel, topic, settings, broker, token, options);
    broker.client.on("message", (topic, payload) => subscription.#onMessage(topic, payload));
    try {
      const { qos } = settings;
      const granted = await broker.hold(broker.client.subscribeAsync({ [topic]: { qos }, [topics.status]: { qos: MQTT_CONTROL_QOS }, [topics.welcomeOf(token)]: { qos: MQTT_CONTROL_QOS } }));
      if (granted.some((grant) => grant.qos === 128)) throw new TransportConnectError(`mqtt transport: the broker refused a subscription to ${topic} for ${channel}`, channel, "refused");
      const welcome = waitFor<void>((resolve) => {
        subscription.#welcomed = resolve;
        broker.client.publish(topics.presenceOf(token), encodeMessage(MqttKind.HELLO, 0, 0), { qos: MQTT_CONTROL_QOS, retain: true });
        return () => (subscription.#welcomed = undefined);
      }, options.signal ? { signal: options.signal } : {});
      await broker.hold(welcome);
    } catch (error) {
      await subscription.#leave();
      throw error;
    }
    broker.onState = (up) => {
      if (subscription.#ended) return;
      if (!up) subscription.#bounced = true;
      // Subscribing again brings the retained status: an ONLINE the publisher sent while this
      // subscriber was away, or its ENDED (whose final sequence number counts what was missed).
      // The data topic too: a broker that kept no session (clean_session, or its store lost)
      // forgot it, and mqtt.js renews nothing itself (its reconnects are off, see BrokerClient);
      // with a kept session subscribing again changes nothing.
      else broker.client.subscribe({ [topic]: { qos: settings.qos }, [topics.status]: { qos: MQTT_CONTROL_QOS } });
      subscription.#status(up ? "connected" : "reconnecting");
    };
    broker.onRefused = (error) => subscription.#end(error);
    subscription.#status("connected");
    return subscription;
  }

  /** Frames this subscriber dropped (the oldest while paused) or saw missing (sequence gaps: QoS 0 losses, broker queue overflows). */
  get drops(): number {
    return this.#inbox.drops;
  }

  pause(): void {
    this.#inbox.pause();
  }

  resume(): void {
    this.#inbox.resume();
  }

  /** Says goodbye (removes its HELLO), unsubscribes and disconnects. `closed` stays pending. Idempotent. */
  close(): Promise<void> {
    clearTimeout(this.#lostTimer);
    this.#ended = true;
    this.#inbox.close();
    return this.#leave();
  }

  #leave(): Promise<void> {
    this.#closing ??= (async () => {
      const { client } = this.broker;
      client.removeAllListeners("message");
      if (client.connected) {
        client.publish(this.#topics.presenceOf(this.token), Buffer.alloc(0), { qos: MQTT_CONTROL_QOS, retain: true });
        // The session keeps nothing for a subscriber that left.
        client.unsubscribe([this.topic, this.#topics.status, this.#topics.welcomeOf(this.token)]);
      }
      await this.broker.close();
    })();
    return this.#closing;
  }

  #onMessage(topic: string, payload: Buffer): void {
    const header = decodeHeader(payload);
    if (!header || this.#ended) return; // Not this transport's message (another tool publishing on the topic): ignored.
    if (topic === this.#topics.welcomeOf(this.token)) {
      if (this.#epoch !== undefined || header.kind !== MqttKind.WELCOME) return;
      this.#epoch = header.epoch;
      this.#inbox.startAt(header.seq);
      this.#welcomed?.();
      return;
    }
    if (this.#epoch === undefined) return; // Before the WELCOME: not this subscriber's frames, nor its publisher's status.
    if (topic === this.topic && header.epoch === this.#epoch) {
      if (header.kind === MqttKind.DATA) this.#inbox.take(header.seq, payload.subarray(MQTT_HEADER_BYTES)); // An old number: a QoS 1 redelivery.
      else if (header.kind === MqttKind.END) this.#end(undefined, header.seq);
    } else if (topic === this.#topics.status) {
      if (header.epoch === this.#epoch && header.kind === MqttKind.ENDED) this.#end(undefined, header.seq);
      else if (header.epoch === this.#epoch && header.kind === MqttKind.LOST) this.#lost();
      else if (header.epoch === this.#epoch && header.kind === MqttKind.ONLINE && this.#bounced) {
        this.#backOnline = true;
        clearTimeout(this.#lostTimer);
      }
      else if (header.epoch !== this.#epoch && header.kind === MqttKind.ONLINE) this.#end(new ChannelLostError(`mqtt transport: a new publisher of ${this.channel} came up before the one this subscriber followed had ended`, this.channel, "crashed"));
    }
  }

  /**
   * The publisher's last will. A broker that shuts down publishes the wills of the clients it
   * drops too, just before it drops this subscriber: so a LOST is taken after LOST_SETTLE_MS,
   * and when this subscriber's own connection went down meanwhile, the publisher gets the time
   * of a reconnect to say ONLINE again (same epoch) before it counts as lost.
   */
  #lost(): void {
    const lost = (): void => this.#end(new ChannelLostError(`mqtt transport: the publisher of ${this.channel} lost its connection to the broker without closing (its last will)`, this.channel, "crashed"));
    clearTimeout(this.#lostTimer);
    // A retained LOST may come again, after the ONLINE, when the status topic is subscribed again.
    if (this.#backOnline) return;
    this.#lostTimer = setTimeout(() => {
      if (!this.#bounced) return lost();
      this.#lostTimer = setTimeout(lost, this.settings.reconnectMaxMs + 2 * MQTT_CONNECT_TIMEOUT_MS);
    }, LOST_SETTLE_MS);
  }

  /** The channel ended (`undefined`; after `sent` frames, END or ENDED: those that never came are drops) or broke. */
  #end(error: Error | undefined, sent?: number): void {
    clearTimeout(this.#lostTimer);
    if (this.#ended) return;
    this.#ended = true;
    this.#inbox.end(error, sent);
  }

  /** The end, once every held frame was delivered. */
  #report(error: Error | undefined): void {
    this.#status(error ? "lost" : "ended", error);
    this.#settle(error);
    void this.#leave();
  }

  #status(status: ChannelStatus, error?: Error): void {
    this.options.onStatus?.(status, error);
  }
}
