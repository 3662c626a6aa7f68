import { type Json, type PlannedChannel, type PublishOptions, type Publisher, type SubscribeOptions, type Subscription, type Transport, TransportConnectError, TransportError, abortErrorFrom } from "@rivulet/core";
import { NatsLink } from "./nats-link.js";
import { type NatsOptions, natsOptions, validateNatsOptions } from "./nats-options.js";
import { NatsPublisher } from "./nats-publisher.js";
import type { ChannelSubjects } from "./nats-subjects.js";
import { NatsSubscription } from "./nats-subscription.js";
import { type JetStreamPlan, jetStreamConnection } from "./jetstream-plan.js";
import { JetStreamPublisher } from "./jetstream-publisher.js";
import { JetStreamChannel } from "./jetstream-stream.js";
import { JetStreamSubscription } from "./jetstream-subscription.js";

/**
 * Connection info the NATS plugin plans for a channel: its subjects. The servers, credentials
 * and timings are the transport's options, which a node gets at `create()` (handed over by the
 * daemon at registration), never in a channel's plan: the plan travels in the node's environment.
 */
export interface NatsConnectionInfo {
  subjects: ChannelSubjects;
  /** In JetStream mode (`jetstream` option): the channel's stream and consumers. */
  jetstream?: JetStreamPlan;
}

/**
 * The NATS transport in one node process: one connection to the server (opened at the first
 * publish or subscribe, with the transport's options), shared by the publishers and
 * subscriptions of this transport. With the `jetstream` option its channels go through
 * JetStream streams (JetStreamPublisher, JetStreamSubscription) instead of core NATS subjects.
 */
export class NatsTransport implements Transport {
  #link: Promise<NatsLink> | undefined;
  #closing: Promise<void> | undefined;
  readonly #open = new Set<Publisher | Subscription>();

  /**
   * @param name the client's name on the server.
   * @param options the transport's options from the YAML (`transports.<name>` minus `kind`).
   */
  constructor(
    private readonly name: string,
    private readonly options: Record<string, Json> = {},
  ) {}

  async publish(channel: PlannedChannel, options?: PublishOptions): Promise<Publisher> {
    const subjects = natsConnection(channel);
    const settings = this.#settings(channel);
    const link = await this.#connect(channel, settings, options?.signal);
    if (settings.jetstream) {
      const stream = await JetStreamChannel.open(link, jetStreamConnection(channel), channel.channel, subjects.data, settings.jetstream);
      return this.#track(await JetStreamPublisher.open(link, { channel: channel.channel, subjects, heartbeatMs: settings.heartbeatMs, stream }));
    }
    return this.#track(await NatsPublisher.open(link, { channel: channel.channel, subjects, heartbeatMs: settings.heartbeatMs }));
  }

  async subscribe(channel: PlannedChannel, options: SubscribeOptions): Promise<Subscription> {
    const subjects = natsConnection(channel);
    const settings = this.#settings(channel);
    const link = await this.#connect(channel, settings, options.signal);
    if (settings.jetstream) {
      const stream = await JetStreamChannel.open(link, jetStreamConnection(channel), channel.channel, subjects.data, settings.jetstream);
      return this.#track(await JetStreamSubscription.open(link, { channel: channel.channel, subjects, stream, heartbeatMs: settings.heartbeatMs }, options));
    }
    return this.#track(await NatsSubscription.open(link, channel.channel, subjects, options));
  }

  /** The client settings from the transport's options. @throws TransportError for options `plan()` would refuse. */
  #settings(channel: PlannedChannel): NatsOptions {
    const issues = validateNatsOptions(this.options);
    if (issues.length > 0) throw new TransportError(`the nats transport's options are invalid: ${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, channel.channel);
    return natsOptions(this.options);
  }

  #track<T extends Publisher | Subscription>(item: T): T {
    if (this.#closing) {
      void item.close();
      throw new TransportError("the nats transport was closed while a channel was opening");
    }
    this.#open.add(item);
    return item;
  }

  async #connect(channel: PlannedChannel, settings: NatsOptions, signal: AbortSignal | undefined): Promise<NatsLink> {
    if (signal?.aborted) throw abortErrorFrom(signal);
    if (this.#closing) throw new TransportError("the nats transport is closed", channel.channel);
    this.#link ??= NatsLink.open(settings, this.name);
    try {
      return await this.#link;
    } catch (cause) {
      this.#link = undefined;
      throw new TransportConnectError(`cannot reach NATS at ${settings.servers.join(", ")} for channel '${channel.channel}'`, channel.channel, "unreachable", { cause });
    }
  }

  /** Closes every publisher (END sent) and subscription, then the connection. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const open = [...this.#open];
      this.#open.clear();
      await Promise.all(open.map((item) => item.close()));
      const link = await this.#link?.catch(() => undefined);
      await link?.close();
    })();
    return this.#closing;
  }
}

/**
 * The subjects of a planned channel.
 * @throws TransportError when the plan lacks them.
 */
export function natsConnection(channel: PlannedChannel): ChannelSubjects {
  const subjects = (channel.connection as Partial<NatsConnectionInfo> | null)?.subjects;
  if (typeof subjects?.data !== "string" || typeof subjects.hello !== "string") {
    throw new TransportError(`channel '${channel.channel}' has no NATS subjects in its plan`, channel.channel);
  }
  return { data: subjects.data, hello: subjects.hello };
}
